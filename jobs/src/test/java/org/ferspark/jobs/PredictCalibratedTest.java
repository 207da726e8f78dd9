package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict with a calibrated model file: softmax(z / T) applied once, faces below --min-confidence "uncertain". */
class PredictCalibratedTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final double T = 0.4;
  @TempDir Path dir;

  @Test
  void printsTheTemperedProbabilitiesAndLabelsFacesBelowTheThresholdUncertain() throws Exception {
    Path raw = PredictFixtures.tinyModel(dir);
    Path calibrated = dir.resolve("calibrated.zip");
    ModelFile.replaceMetadata(raw, ModelFile.readMetadata(raw).withCalibration(new Calibration(
        Calibration.TEMPERATURE_SCALING, T, "validation", 70, 2, 1.9, 0.1, 0.05, "none", "now")), calibrated);
    ComputationGraph graph = ModelFile.load(raw, false).graph();
    List<Path> files = PredictFixtures.sample("test", "happy");
    FaceNormalizer normalizer = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE);
    double[][] expected = new double[files.size()][];
    double[] top = new double[files.size()];
    double twiceGap = 0;
    for (int i = 0; i < files.size(); i++) {
      float[] p = PredictFixtures.graphOutput(graph, normalizer.normalize(Files.readAllBytes(files.get(i)), null));
      expected[i] = tempered(p, T);
      top[i] = Arrays.stream(expected[i]).max().orElseThrow();
      double[] twice = tempered(p, T * T);
      for (int c = 0; c < p.length; c++) {
        twiceGap = Math.max(twiceGap, Math.abs(twice[c] - expected[i][c]));
      }
    }
    assertThat(twiceGap).as("T applied once is told from T applied twice").isGreaterThan(1e-3);
    double threshold = Arrays.stream(top).sorted().toArray()[top.length / 2];

    PredictFixtures.Run run = PredictFixtures.predict("--model", calibrated.toString(), "--json",
        "--min-confidence", Double.toString(threshold), files.get(0).getParent().toString());
    assertThat(run.code()).as(run.err()).isZero();
    int uncertain = 0;
    for (int i = 0; i < files.size(); i++) {
      JsonNode line = JSON.readTree(run.lines().get(i));
      int c = 0;
      for (JsonNode v : line.get("probabilities")) {
        assertThat(v.asDouble()).as("%s class %s: softmax(z / T)", files.get(i), c)
            .isCloseTo(expected[i][c], within(2e-5));
        c++;
      }
      boolean below = MinConfidence.uncertain(line.get("confidence").floatValue(), threshold);
      assertThat(line.get("label").asText().equals(MinConfidence.UNCERTAIN)).as("%s", files.get(i))
          .isEqualTo(below);
      uncertain += below ? 1 : 0;
    }
    assertThat(uncertain).as("the threshold is the median top probability").isBetween(1, files.size() - 1);
    assertThat(run.err()).contains(", " + uncertain + " uncertain");

    PredictFixtures.Run table = PredictFixtures.predict("--model", calibrated.toString(), "--min-confidence", "1",
        files.get(0).toString());
    java.util.regex.Matcher row = java.util.regex.Pattern.compile(" uncertain +(\\d\\.\\d{3})")
        .matcher(table.lines().get(1));
    assertThat(row.find()).as(table.out()).isTrue();
    String header = table.lines().get(0);
    assertThat(row.end(1)).as("the label column fits 'uncertain': confidence stays under its header")
        .isEqualTo(header.indexOf("confidence") + "confidence".length());
    assertThat(PredictFixtures.predict("--model", calibrated.toString(), "--min-confidence", "1.5",
        files.get(0).toString()).code()).isEqualTo(JobRunner.USAGE);
  }

  static double[] tempered(float[] p, double t) {
    double[] q = new double[p.length];
    double sum = 0;
    for (int c = 0; c < p.length; c++) {
      q[c] = Math.pow(p[c], 1 / t);
      sum += q[c];
    }
    for (int c = 0; c < p.length; c++) {
      q[c] /= sum;
    }
    return q;
  }
}
