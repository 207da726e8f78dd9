package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.net.FastBatchNorm;
import org.ferspark.model.net.TestNets;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * A {@link DataParallelStep} computes {@code net.fit(minibatch)}: loss, updated parameters, updater state and
 * batch-norm running statistics equal those of one network fitting the whole minibatch, within float rounding, on a
 * conv-BN-ReLU net (average pooling, so no max-pooling argmax can flip on a last-bit difference), on vgg-bn and on
 * paper-cnn with the project's own updater, schedule, weight decay and loss (dropout off: masks are drawn per replica).
 */
class DataParallelStepTest {
  @Test
  void stepsOverTwoAndThreeReplicasEqualOneNetworkOnTheWholeMinibatch() {
    for (int replicas : new int[] {2, 3}) {
      ComputationGraph reference = smallNet();
      ComputationGraph split = smallNet();
      FastBatchNorm.install(reference);
      FastBatchNorm.install(split);
      Nd4j.getRandom().setSeed(12);
      // 17 examples: slices of 9/8 and 6/6/5, the updater still divides by the whole minibatch
      DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 17, 1, 16, 16).muli(3), oneHot(17, 4));
      try (DataParallelStep step = new DataParallelStep(split, replicas)) {
        step.startEpoch(1);
        for (int s = 0; s < 3; s++) {
          reference.fit(batch);
          double loss = step.fit(batch);
          assertThat(loss).as("%d replicas, step %d loss", replicas, s)
              .isCloseTo(reference.score() - reference.calcRegularizationScore(true), within(1e-5));
          assertRelative(split.params(), reference.params(), 1e-5, replicas + " replicas, parameters and running "
              + "statistics after step " + s);
          assertRelative(split.getUpdater().getStateViewArray(), reference.getUpdater().getStateViewArray(), 1e-5,
              replicas + " replicas, momentum after step " + s);
        }
        step.endEpoch();
      }
      assertThat(split.getIterationCount()).isEqualTo(reference.getIterationCount());
      assertThat(split.getListeners()).as("the merge hook leaves with the step").isEmpty();
      assertRelative(split.outputSingle(false, batch.getFeatures()), reference.outputSingle(false,
          batch.getFeatures()), 1e-5, "inference after training");
    }
  }

  @Test
  void vggBnAndPaperCnnWithTheProjectsRecipeTrainAsOneNetwork() {
    long[] counts = {400, 50, 300, 700, 500, 300, 600};
    for (String arch : new String[] {"vgg-bn", "paper-cnn"}) {
      TrainSettings a = BalanceTest.settings("fer.train.optimizer=sgd-nesterov", "fer.train.learning-rate=0.05",
          "fer.train.lr-schedule=one-cycle", "fer.train.epochs=3", "fer.train.weight-decay=0.005",
          "fer.train.label-smoothing=0.1", "fer.train.dropout=0", "fer.train.balance=weights",
          "fer.train.arch=" + arch);
      ComputationGraph reference = NetworkFactory.build(a, Emotion.labelNames(7), counts);
      ComputationGraph split = NetworkFactory.build(a, Emotion.labelNames(7), counts);
      split.setParams(reference.params().dup());
      FastBatchNorm.install(reference);
      FastBatchNorm.install(split);
      Nd4j.getRandom().setSeed(7);
      DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 20, 1, 48, 48), oneHot(20, 7));
      try (DataParallelStep step = new DataParallelStep(split, 2)) {
        step.startEpoch(1);
        for (int i = 0; i < 2; i++) {
          reference.fit(batch);
          double loss = step.fit(batch);
          assertThat(loss).as("%s step %d loss", arch, i)
              .isCloseTo(reference.score() - reference.calcRegularizationScore(true), within(1e-4));
          // max pooling: a last-bit difference can move a window's argmax (FastBatchNormTest), so 1e-3 here
          assertRelative(split.params(), reference.params(), 1e-3, arch + " parameters after step " + i);
        }
        step.endEpoch();
      }
      assertThat(a.localReplicas()).as("the default: auto").isZero();
    }
  }

  @Test
  void aNetworkWithFrozenLayersAsInFineTuningTrainsAsOneNetwork() {
    // the first conv-BN-ReLU block and the pooling frozen (FrozenLayer: no gradients, running statistics fixed)
    ComputationGraph reference = frozen(smallNet());
    ComputationGraph split = frozen(smallNet());
    FastBatchNorm.install(reference);
    FastBatchNorm.install(split);
    Nd4j.getRandom().setSeed(9);
    DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 12, 1, 16, 16), oneHot(12, 4));
    try (DataParallelStep step = new DataParallelStep(split, 2)) {
      for (int s = 0; s < 2; s++) {
        reference.fit(batch);
        step.fit(batch);
        assertRelative(split.params(), reference.params(), 1e-5, "frozen layers, step " + s);
      }
    }
    assertThat(split.getLayer("c0").getParam("W")).isEqualTo(smallNet().getLayer("c0").getParam("W"));
  }

  private static ComputationGraph frozen(ComputationGraph net) {
    return new org.deeplearning4j.nn.transferlearning.TransferLearning.GraphBuilder(net)
        .setFeatureExtractor("pool").build();
  }

  @Test
  void aBatchSmallerThanTheReplicasIsFittedByTheNetworkAlone() {
    ComputationGraph reference = smallNet();
    ComputationGraph split = smallNet();
    FastBatchNorm.install(reference);
    FastBatchNorm.install(split);
    Nd4j.getRandom().setSeed(3);
    DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 1, 16, 16), oneHot(2, 4));
    try (DataParallelStep step = new DataParallelStep(split, 3)) {
      step.fit(batch);
    }
    reference.fit(batch);
    assertRelative(split.params(), reference.params(), 1e-6, "two examples, three replicas");
  }

  @Test
  void aFailingStepThrowsInsteadOfHangingAndTheNextStepWorks() {
    ComputationGraph reference = smallNet();
    ComputationGraph split = smallNet();
    FastBatchNorm.install(reference);
    FastBatchNorm.install(split);
    Nd4j.getRandom().setSeed(8);
    DataSet bad = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 16, 16), oneHot(8, 5)); // 5 label columns, 4 outputs
    DataSet good = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 16, 16), oneHot(8, 4));
    try (DataParallelStep step = new DataParallelStep(split, 2)) {
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(120), () -> {
        assertThatThrownBy(() -> step.fit(bad)).isInstanceOf(RuntimeException.class);
        step.fit(good);
      });
    }
    reference.fit(good);
    assertRelative(split.params(), reference.params(), 1e-5, "the step after a failed one");
  }

  @Test
  void refusesBatchNormWithoutFastBatchNormAndTooFewReplicas() {
    ComputationGraph plain = smallNet();
    assertThatThrownBy(() -> new DataParallelStep(plain, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fast-batch-norm");
    FastBatchNorm.install(plain);
    assertThatThrownBy(() -> new DataParallelStep(plain, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2");
    TrainSettings one = BalanceTest.settings("fer.train.local-replicas=1");
    assertThat(LocalEpochTrainer.replicas(one, plain)).isEqualTo(1);
    TrainSettings two = BalanceTest.settings("fer.train.local-replicas=2");
    assertThat(LocalEpochTrainer.replicas(two, plain)).isEqualTo(2);
    assertThat(LocalEpochTrainer.replicas(two, smallNet())).as("no FastBatchNorm: one network").isEqualTo(1);
    TrainSettings auto = BalanceTest.settings("fer.train.batch=64");
    assertThat(LocalEpochTrainer.replicas(auto, plain)).as("auto, batch norm: the JVM's threads, at most batch / 16")
        .isEqualTo(Math.max(1, Math.min(Nd4j.getEnvironment().maxThreads(), 4)));
    ComputationGraph paper = org.ferspark.model.net.Architectures.build("paper-cnn",
        org.ferspark.model.net.ArchitectureOptions.defaults(7));
    assertThat(LocalEpochTrainer.replicas(auto, paper)).as("auto, no batch norm: one network").isEqualTo(1);
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.local-replicas=-1"))
        .hasMessageContaining("fer.train.local-replicas");
  }

  private static INDArray oneHot(int n, int classes) {
    INDArray labels = Nd4j.zeros(DataType.FLOAT, n, classes);
    for (int i = 0; i < n; i++) {
      labels.putScalar(i, i % classes, 1);
    }
    return labels;
  }

  /** conv-BN-ReLU x3 with average pooling, SGD with Nesterov momentum. */
  private static ComputationGraph smallNet() {
    return TestNets.convBnRelu(new Nesterovs(0.05, 0.9));
  }

  private static void assertRelative(INDArray actual, INDArray expected, double tolerance, String what) {
    TestNets.assertRelative(actual, expected, tolerance, what);
  }

}
