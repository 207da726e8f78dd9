package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.realtime.app.FaceClassifier;
import org.junit.jupiter.api.Test;

/**
 * The shipped default model {@code models/fer2013-default.zip} (issue 6): within the size budget, with the metadata
 * and training history a user relies on, its report beside it, and well above chance on the FER2013 PrivateTest
 * faces of data/sample (never seen in training). The full-test-split reproduction of the card's accuracy is
 * {@link ShippedModelReproductionTest} ({@code -Pslow}).
 */
class ShippedModelTest {
  static final Path ROOT = Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  static final Path MODEL = ROOT.resolve("models/fer2013-default.zip");
  static final Path REPORT = ROOT.resolve("models/fer2013-default-report");

  @Test
  void isWithinTheSizeBudgetAndCarriesLabelsNormalisationAndHistory() throws IOException {
    assertThat(MODEL).as("the shipped model").isRegularFile();
    assertThat(Files.size(MODEL)).as("≤ 25 MB").isLessThanOrEqualTo(25L * 1024 * 1024);
    LoadedModel m = ModelFile.load(MODEL, false);
    assertThat(m.metadata().classNames()).containsExactlyElementsOf(Emotion.labelNames(7));
    assertThat(m.metadata().inputShape()).containsExactly(1, 48, 48);
    assertThat(m.metadata().normalisation()).isEqualTo("x / 255");
    assertThat((List<?>) m.metadata().trainingConfig().get("history")).as("training history inside").isNotEmpty();
    assertThat(ROOT.resolve("models/MODEL_CARD.md")).isRegularFile();
    for (String f : List.of("metrics.json", "confusion_matrix.csv", "confusion_matrix.png", "curves.png",
        "index.html")) {
      assertThat(REPORT.resolve(f)).as("the shipped evaluation report").isNotEmptyFile();
    }
  }

  @Test
  void classifiesTheSampleTestFacesFarAboveChance() throws IOException, RejectException {
    FaceClassifier classifier = new FaceClassifier(ModelFile.load(MODEL, false), 0);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(ROOT.resolve("data/sample/test"))) {
      walk.filter(p -> p.toString().endsWith(".jpg")).sorted().forEach(files::add);
    }
    float[] batch = new float[files.size() * classifier.faceLength()];
    for (int i = 0; i < files.size(); i++) {
      classifier.preprocessImage(Files.readAllBytes(files.get(i)), batch, i);
    }
    float[][] p = classifier.classify(batch);
    int correct = 0;
    for (int i = 0; i < files.size(); i++) {
      String truth = files.get(i).getParent().getFileName().toString();
      int best = 0;
      for (int c = 1; c < p[i].length; c++) {
        best = p[i][c] > p[i][best] ? c : best;
      }
      correct += classifier.classNames().get(best).equals(truth) ? 1 : 0;
    }
    double accuracy = (double) correct / files.size();
    JsonNode card = new ObjectMapper().readTree(REPORT.resolve("metrics.json").toFile());
    System.out.printf("shipped model on data/sample/test: %d/%d = %.3f (card, full test split: %.4f)%n", correct,
        files.size(), accuracy, card.path("accuracy").asDouble());
    assertThat(files).hasSize(70);
    assertThat(accuracy).as("chance is 1/7; 70 faces, 10 per class").isGreaterThan(0.45);
  }
}
