package org.ferspark.realtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.ModelFile;
import org.ferspark.realtime.bench.SyntheticVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Realtime and predict's classifier apply a model file's temperature once; --min-confidence labels faces uncertain. */
class CalibratedRealtimeTest {
  static final double T = 3.0;
  @TempDir
  Path dir;

  private Path calibrated(Path raw) throws Exception {
    Path file = dir.resolve("calibrated.zip");
    ModelFile.replaceMetadata(raw, ModelFile.readMetadata(raw).withCalibration(new Calibration(
        Calibration.TEMPERATURE_SCALING, T, "validation", 70, 2, 1.9, 0.1, 0.05, "none", "now")), file);
    return file;
  }

  @Test
  void classifyIsTheSoftmaxOfTheLogitsOverTheModelsTemperature() throws Exception {
    Path raw = TinyModel.save(dir);
    FaceClassifier plain = new FaceClassifier(FaceClassifier.load(raw, false), 0.1);
    FaceClassifier tempered = new FaceClassifier(FaceClassifier.load(calibrated(raw), false), 0.1);
    float[] faces = new float[5 * plain.faceLength()];
    Random random = new Random(5);
    for (int i = 0; i < faces.length; i++) {
      faces[i] = random.nextFloat();
    }
    float[][] p = plain.classify(faces);
    float[][] q = tempered.classify(faces);

    assertThat(plain.temperature()).isEqualTo(1);
    assertThat(tempered.temperature()).isEqualTo(T);
    double gap = 0;
    for (int i = 0; i < p.length; i++) {
      double sum = 0;
      for (float v : p[i]) {
        sum += Math.pow(v, 1 / T);
      }
      for (int c = 0; c < p[i].length; c++) {
        double expected = Math.pow(p[i][c], 1 / T) / sum;
        assertThat((double) q[i][c]).as("face %s class %s", i, c).isCloseTo(expected, within(1e-6));
        gap = Math.max(gap, Math.abs(q[i][c] - p[i][c]));
      }
    }
    assertThat(gap).as("the temperature changed the probabilities").isGreaterThan(1e-3);
  }

  @Test
  void belowMinConfidenceTheOverlayAndTheJsonLinesSayUncertain() throws Exception {
    Path video = dir.resolve("face.mp4");
    SyntheticVideo.write(video, List.of(HeadlessRunTest.detectableFaceIn(dir)), 3, HeadlessRunTest.SIDE, 1);
    Path out = dir.resolve("out");
    StringWriter err = new StringWriter();
    int code = RealtimeApp.Cli.execute(new RealtimeApp(), new String[] {"--video", video.toString(), "--model",
        calibrated(TinyModel.save(dir)).toString(), "--headless", "--out", out.toString(), "--min-confidence", "1",
        "--set", "fer.realtime.warmup-passes=1"}, new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();

    List<String> lines = Files.readAllLines(out.resolve("frames.jsonl"));
    assertThat(lines).as("the face was found").isNotEmpty();
    ObjectMapper json = new ObjectMapper();
    for (String l : lines) {
      JsonNode line = json.readTree(l);
      assertThat(line.get("label").asText()).isEqualTo(MinConfidence.UNCERTAIN);
      assertThat(line.get("probabilities").size()).isEqualTo(7);
    }
    assertThat(RealtimeApp.Cli.execute(new RealtimeApp(), new String[] {"--video", video.toString(), "--headless",
        "--out", out.toString(), "--min-confidence", "-0.5"}, new PrintWriter(err, true))).isEqualTo(2);
    assertThat(err.toString()).contains("--min-confidence must be in [0, 1]");
  }
}
