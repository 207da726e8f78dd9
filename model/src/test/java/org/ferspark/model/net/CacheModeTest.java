package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training cache mode ({@link GraphBase#TRAINING_CACHE}, DL4J's {@code DEVICE}) is a speed setting only: one
 * training step gives the same loss, gradients, updated parameters and batch-norm running statistics (stored in
 * the parameter vector) as DL4J's default {@code NONE}, which recomputes every convolution's forward pass in
 * backprop.
 */
class CacheModeTest {
  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest
  @ValueSource(strings = {"vgg-bn", "paper-cnn"})
  void oneTrainingStepEqualsTheUncachedReference(String arch) {
    ComputationGraph cached = Architectures.build(arch, ArchitectureOptions.defaults(7));
    ComputationGraph reference = Architectures.build(arch, ArchitectureOptions.defaults(7));
    assertThat(cached.getConfiguration().getCacheMode()).isEqualTo(CacheMode.DEVICE);
    reference.getConfiguration().setCacheMode(CacheMode.NONE);
    reference.setCacheMode(CacheMode.NONE);
    assertThat(reference.params()).as("same seed, same initial weights").isEqualTo(cached.params());

    DataSet batch = batch(16);
    for (int step = 0; step < 2; step++) {
      Nd4j.getRandom().setSeed(7 + step);
      cached.fit(batch);
      Nd4j.getRandom().setSeed(7 + step);
      reference.fit(batch);
      assertThat(cached.score()).as("loss after step %s", step).isCloseTo(reference.score(),
          org.assertj.core.api.Assertions.within(TOLERANCE * Math.max(1, Math.abs(reference.score()))));
      assertClose(cached.getFlattenedGradients(), reference.getFlattenedGradients(), "gradients, step " + step);
      assertClose(cached.params(), reference.params(), "parameters and running statistics, step " + step);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"vgg-bn", "paper-cnn", "tiny-cnn"})
  void everyArchitectureIsBuiltWithTheTrainingCacheAndKeepsItThroughJson(String arch) {
    ComputationGraph net = Architectures.build(arch, ArchitectureOptions.defaults(7));
    var restored = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());

    assertThat(net.getConfiguration().getCacheMode()).isEqualTo(GraphBase.TRAINING_CACHE);
    assertThat(restored.getCacheMode()).as("a saved model or Spark broadcast keeps it").isEqualTo(CacheMode.DEVICE);
  }

  @org.junit.jupiter.api.Test
  void aNetworkLoadedWithoutTheCacheModeGetsIt() {
    ComputationGraph net = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7));
    net.getConfiguration().setCacheMode(CacheMode.NONE);

    Architectures.withTrainingCache(net);

    assertThat(net.getConfiguration().getCacheMode()).isEqualTo(CacheMode.DEVICE);
  }

  private static DataSet batch(int n) {
    INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 7);
    for (int i = 0; i < n; i++) {
      labels.putScalar(i, i % 7, 1);
    }
    return new DataSet(TestData.images(n, 11), labels);
  }

  private static void assertClose(INDArray actual, INDArray expected, String what) {
    double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
    double diff = actual.sub(expected).amaxNumber().doubleValue();
    assertThat(diff / scale).as("%s: max |difference| %s relative to max |value| %s", what, diff, scale)
        .isLessThan(TOLERANCE);
  }
}
