package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.realtime.detect.DetectorSettings;
import org.ferspark.realtime.detect.FaceDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predict with {@code --detect-faces} on a synthetic photo: a FER2013 test face from data/sample upscaled to 160 px
 * and drawn (Java2D, not OpenCV) at a known box on a 640×480 gradient, and a blank image of the same gradient.
 */
class PredictDetectFacesTest {
  static final FaceBox PASTED = new FaceBox(220, 140, 160, 160);
  static final double MARGIN = 0.1;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static Path model;
  static Path photo;
  static Path blank;

  @BeforeAll
  static void photoAndModel() throws IOException {
    model = PredictFixtures.tinyModel(dir);
    blank = draw(null, dir.resolve("blank.png"));
    FaceNormalizer.loadNatives();
    // the first sample happy face (by name) the default detector finds at this size, as in the realtime tests
    try (FaceDetector detector = DetectorSettings.from(FerConfig.load(null, List.of(), null), dir).create()) {
      for (Path face : PredictFixtures.sample("test", "happy")) {
        Path candidate = draw(face, dir.resolve("photo-" + face.getFileName() + ".png"));
        try (Mat bgr = imread(candidate.toString(), IMREAD_COLOR)) {
          if (detector.detect(bgr).size() == 1) {
            photo = candidate;
            return;
          }
        }
      }
    }
    throw new AssertionError("the default detector finds none of the sample happy faces at 160 px");
  }

  @Test
  void findsThePastedFaceNearItsBoxAndClassifiesItsMarginCrop() throws Exception {
    PredictFixtures.Run run = PredictFixtures.predict("--model", model.toString(), "--detect-faces", "--json",
        photo.toString(), blank.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).contains("fer-predict: 2 images, 0 failed, 1 face, 1 without a face");
    List<String> lines = run.lines();
    assertThat(lines).hasSize(2);

    JsonNode face = JSON.readTree(lines.get(0));
    assertThat(face.get("path").asText()).isEqualTo(photo.toString());
    assertThat(face.get("faces").asInt()).isEqualTo(1);
    JsonNode b = face.get("box");
    FaceBox box = new FaceBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt());
    assertThat(iou(box, PASTED)).as("box %s vs pasted %s", box, PASTED).isGreaterThan(0.5);
    assertThat(Math.abs(box.x() + box.width() / 2.0 - (PASTED.x() + PASTED.width() / 2.0))).isLessThan(24);
    assertThat(Math.abs(box.y() + box.height() / 2.0 - (PASTED.y() + PASTED.height() / 2.0))).isLessThan(24);

    ComputationGraph graph = ModelFile.load(model, false).graph();
    float[] reference;
    try (Mat bgr = imread(photo.toString(), IMREAD_COLOR)) {
      byte[] pixels = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE).normalize(bgr,
          FaceClassifier.cropBox(box, MARGIN));
      reference = PredictFixtures.graphOutput(graph, pixels);
    }
    List<String> classes = Emotion.labelNames(7);
    for (int c = 0; c < classes.size(); c++) {
      assertThat(face.get("probabilities").get(classes.get(c)).asDouble()).isCloseTo(reference[c], within(1e-6));
    }

    JsonNode none = JSON.readTree(lines.get(1));
    assertThat(lines.get(1)).isEqualTo("{\"path\":" + JSON.writeValueAsString(blank.toString())
        + ",\"faces\":0,\"label\":null}");
    assertThat(none.get("label").isNull()).isTrue();
  }

  @Test
  void tableHasABoxColumnAndSaysWhenNoFaceWasFound() {
    PredictFixtures.Run run = PredictFixtures.predict("--model", model.toString(), "--detect-faces",
        photo.toString(), blank.toString());
    assertThat(run.code()).as(run.err()).isZero();
    List<String> lines = run.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).split("\\s+")).startsWith("path", "box", "label", "confidence", "angry");
    assertThat(lines.get(1)).startsWith(photo.toString()).containsPattern("\\[\\d+, \\d+, \\d+, \\d+\\]");
    assertThat(lines.get(1).indexOf('[')).isEqualTo(lines.get(0).indexOf("box"));
    assertThat(lines.get(2)).startsWith(blank.toString()).endsWith("no face found");
  }

  @Test
  void minFaceAboveTheFaceSizeFindsNone() {
    PredictFixtures.Run run = PredictFixtures.predict("--model", model.toString(), "--detect-faces", "--json",
        "--min-face", "300", photo.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.lines()).singleElement().asString().contains("\"faces\":0");
  }

  /** The gradient background, with {@code face} (or nothing) drawn at {@link #PASTED}, written as PNG. */
  static Path draw(Path face, Path out) throws IOException {
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(50, 70, 100), 640, 480, new Color(210, 200, 180)));
    g.fillRect(0, 0, 640, 480);
    if (face != null) {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(ImageIO.read(face.toFile()), PASTED.x(), PASTED.y(), PASTED.width(), PASTED.height(), null);
    }
    g.dispose();
    ImageIO.write(image, "png", out.toFile());
    return out;
  }

  static double iou(FaceBox a, FaceBox b) {
    int x0 = Math.max(a.x(), b.x());
    int y0 = Math.max(a.y(), b.y());
    int x1 = Math.min(a.x() + a.width(), b.x() + b.width());
    int y1 = Math.min(a.y() + a.height(), b.y() + b.height());
    double inter = Math.max(0, x1 - x0) * (double) Math.max(0, y1 - y0);
    return inter / (a.width() * (double) a.height() + b.width() * (double) b.height() - inter);
  }
}
