package org.ferspark.realtime.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model warm-up before the first frame: it leaves the classifier's answers unchanged. */
class FaceClassifierWarmUpTest {
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
}
