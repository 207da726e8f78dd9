package org.ferspark.realtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.net.BatchNormFolding;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier's inference graph (batch norm folded) and the model warm-up before the first frame. */
class FaceClassifierTest {
  @TempDir
  Path dir;

  @Test
  void warmUpRunsEveryBatchSizeAndLeavesTheAnswersUnchanged() throws Exception {
    FaceClassifier classifier = new FaceClassifier(FaceClassifier.load(TinyModel.save(dir), false), 0.1);
    float[] faces = new float[2 * classifier.faceLength()];
    Random random = new Random(3);
    for (int i = 0; i < faces.length; i++) {
      faces[i] = random.nextFloat();
    }
    float[][] before = classifier.classify(faces);

    double ms = classifier.warmUp(4, 3);

    assertThat(ms).isPositive();
    float[][] after = classifier.classify(faces);
    assertThat(after).hasNumberOfRows(2);
    for (int i = 0; i < 2; i++) {
      assertThat(after[i]).containsExactly(before[i]);
    }
  }

  @Test
  void theShippedModelWithFoldedBatchNormGivesTheSameProbabilitiesAsTheSavedNetwork() throws Exception {
    Path root = Path.of(System.getProperty("fer.repo.root", ".."));
    LoadedModel model = FaceClassifier.load(root.resolve("models/fer2013-default.zip"), false);
    assertThat(BatchNormFolding.foldableChains(model.graph())).as("vgg-bn's conv+BN+ReLU blocks").isEqualTo(8);
    FaceClassifier classifier = new FaceClassifier(model, 0.1);
    List<Path> faces;
    try (Stream<Path> files = Files.walk(root.resolve("data/sample/test"))) {
      faces = files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
    }
    float[] batch = new float[faces.size() * classifier.faceLength()];
    for (int i = 0; i < faces.size(); i++) {
      classifier.preprocessImage(Files.readAllBytes(faces.get(i)), batch, i);
    }

    float[][] folded = classifier.classify(batch);
    // the saved network's probabilities with the model's temperature, which the classifier applies once
    float[][] saved = org.ferspark.model.calibrate.TemperatureScaling.apply(model.graph().outputSingle(false,
        Nd4j.create(batch, new long[] {faces.size(), 1, 48, 48}, 'c')).toFloatMatrix(),
        model.metadata().temperature());

    assertThat(faces).hasSizeGreaterThan(50);
    for (int i = 0; i < faces.size(); i++) {
      for (int c = 0; c < 7; c++) {
        assertThat(folded[i][c]).as("%s class %s", faces.get(i).getFileName(), c).isCloseTo(saved[i][c], within(1e-5f));
      }
      assertThat(FrameAnalyzer.argmax(folded[i])).isEqualTo(FrameAnalyzer.argmax(saved[i]));
    }
  }
}
