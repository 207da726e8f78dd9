package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.FocalLoss;
import org.ferspark.model.net.VggBn;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

class BalanceTest {

  @Test
  void weightsAreTotalOverClassesTimesCountAndAverageOnePerImage() {
    long[] counts = {3995, 436, 4097, 7215, 4830, 3171, 4965};
    double[] w = ClassWeights.fromCounts(counts);
    long total = java.util.Arrays.stream(counts).sum();
    double mean = 0;
    for (int c = 0; c < counts.length; c++) {
      assertThat(w[c]).isCloseTo((double) total / (7.0 * counts[c]), within(1e-12));
      mean += w[c] * counts[c] / total;
    }
    assertThat(mean).isCloseTo(1.0, within(1e-12));
    assertThat(w[1]).as("disgust, the rarest, weighs most").isGreaterThan(w[3] * 16);
  }

  @Test
  void aPowerBelowOneSoftensTheWeightsAndKeepsTheMeanAtOnePerImage() {
    long[] counts = {3995, 436, 4097, 7215, 4830, 3171, 4965};
    double[] full = ClassWeights.fromCounts(counts);
    double[] sqrt = ClassWeights.fromCounts(counts, 0.5);
    long total = java.util.Arrays.stream(counts).sum();
    double mean = 0;
    for (int c = 0; c < counts.length; c++) {
      mean += sqrt[c] * counts[c] / total;
    }
    assertThat(mean).isCloseTo(1.0, within(1e-12));
    assertThat(sqrt[1] / sqrt[3]).as("disgust / happy: the square root of the full ratio")
        .isCloseTo(Math.sqrt(full[1] / full[3]), within(1e-9));
    assertThat(ClassWeights.fromCounts(counts, 1.0)).containsExactly(full);
    assertThatThrownBy(() -> ClassWeights.fromCounts(counts, 0)).hasMessageContaining("(0, 1]");
    assertThat(NetworkFactory.loss(settings("fer.train.balance=weights", "fer.train.class-weight-power=0.5"),
        Emotion.labelNames(7), counts)).isInstanceOf(LossMCXENT.class);
  }

  @Test
  void weightsModePutsTheManifestCountsIntoTheOutputLoss() {
    TrainSettings s = settings("fer.train.balance=weights");
    long[] counts = {10, 1, 10, 20, 10, 10, 10};
    ILossFunction loss = NetworkFactory.loss(s, Emotion.labelNames(7), counts);
    assertThat(loss).isInstanceOf(LossMCXENT.class);
    double[] expected = ClassWeights.fromCounts(counts);
    INDArray actual = ((LossMCXENT) loss).getWeights();
    for (int c = 0; c < 7; c++) {
      assertThat(actual.getDouble(c)).isCloseTo(expected[c], within(1e-5));
    }
    ComputationGraphConfiguration conf = new VggBn().configure(ArchitectureOptions.defaults(7).withLoss(loss));
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    BaseOutputLayer out = (BaseOutputLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices()
        .get("output")).getLayerConf().getLayer();
    assertThat(((LossMCXENT) out.getLossFn()).getWeights().getDouble(1)).isCloseTo(expected[1], within(1e-5));
  }

  @Test
  void oversampledEpochHasEveryClassAsOftenAsTheLargestAndIsSeeded() {
    int[] labels = new int[70];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i < 40 ? 0 : i < 43 ? 1 : 2 + i % 5;
    }
    int[] order = EpochOrder.of(labels, 7, 42, 1, true);
    int[] hist = new int[7];
    for (int i : order) {
      hist[labels[i]]++;
    }
    assertThat(hist).containsOnly(40);
    assertThat(EpochOrder.of(labels, 7, 42, 1, true)).containsExactly(order);
    assertThat(EpochOrder.of(labels, 7, 42, 2, true)).isNotEqualTo(order);
    assertThat(EpochOrder.of(labels, 7, 42, 1, false)).hasSize(70).doesNotHaveDuplicates();
  }

  @Test
  void focalLossWithGammaZeroIsCrossEntropy() {
    Nd4j.getRandom().setSeed(1);
    INDArray pre = Nd4j.randn(DataType.DOUBLE, 5, 7);
    INDArray y = oneHot(5, 7);
    LossMCXENT ce = new LossMCXENT();
    FocalLoss focal = new FocalLoss(0);
    assertThat(focal.computeScore(y, pre, new ActivationSoftmax(), null, true))
        .isCloseTo(ce.computeScore(y, pre, new ActivationSoftmax(), null, true), within(1e-6));
    INDArray g1 = focal.computeGradient(y, pre, new ActivationSoftmax(), null);
    INDArray g2 = ce.computeGradient(y, pre, new ActivationSoftmax(), null);
    assertThat(g1.sub(g2).amaxNumber().doubleValue()).isLessThan(1e-6);
  }

  @Test
  void focalLossGradientMatchesNumericDifferences() {
    Nd4j.getRandom().setSeed(7);
    INDArray pre = Nd4j.randn(DataType.DOUBLE, 4, 7);
    INDArray y = oneHot(4, 7).muli(0.9).addi(0.1 / 7);
    FocalLoss focal = new FocalLoss(2.0, new double[] {1, 2, 0.5, 1, 1, 3, 1});
    INDArray analytic = focal.computeGradient(y, pre, new ActivationSoftmax(), null);
    double h = 1e-6;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 7; j++) {
        INDArray plus = pre.dup();
        plus.putScalar(i, j, pre.getDouble(i, j) + h);
        INDArray minus = pre.dup();
        minus.putScalar(i, j, pre.getDouble(i, j) - h);
        double numeric = (focal.computeScore(y, plus, new ActivationSoftmax(), null, false)
            - focal.computeScore(y, minus, new ActivationSoftmax(), null, false)) / (2 * h);
        assertThat(analytic.getDouble(i, j)).as("d/dz[%s,%s]", i, j).isCloseTo(numeric, within(1e-5));
      }
    }
  }

  @Test
  void aBoostMultipliesOneClassWeightAndKeepsTheMeanWeightPerImageAtOne() {
    long[] counts = {3995, 436, 4097, 7215, 4830, 3171, 4965};
    TrainSettings s = settings("fer.train.balance=weights", "fer.train.class-weight-power=0.5",
        "fer.train.class-weight-boost.fear=1.25");
    assertThat(s.classWeightBoost()).containsExactly(Map.entry("fear", 1.25));
    INDArray w = ((LossMCXENT) NetworkFactory.loss(s, Emotion.labelNames(7), counts)).getWeights();
    double[] plain = ClassWeights.fromCounts(counts, 0.5);
    long total = java.util.Arrays.stream(counts).sum();
    double mean = 0;
    for (int c = 0; c < 7; c++) {
      mean += w.getDouble(c) * counts[c] / total;
    }
    assertThat(mean).isCloseTo(1.0, within(1e-6));
    int fear = Emotion.labelNames(7).indexOf("fear");
    assertThat(w.getDouble(fear) / w.getDouble(0)).as("fear / angry")
        .isCloseTo(1.25 * plain[fear] / plain[0], within(1e-5));
    assertThat(w.getDouble(3) / w.getDouble(0)).as("happy / angry, unboosted")
        .isCloseTo(plain[3] / plain[0], within(1e-5));
  }

  @Test
  void aBoostNamesAClassOfTheDataAndNeedsWeightsMode() {
    TrainSettings s = settings("fer.train.balance=weights", "fer.train.class-weight-boost.contempt=2");
    assertThatThrownBy(() -> NetworkFactory.loss(s, Emotion.labelNames(7), new long[7]))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("no class 'contempt'")
        .hasMessageContaining("disgust");
    assertThatThrownBy(() -> settings("fer.train.class-weight-boost.fear=1.5"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.class-weight-boost")
        .hasMessageContaining("balance is 'none'");
    assertThatThrownBy(() -> settings("fer.train.balance=weights", "fer.train.class-weight-boost.fear=0"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.class-weight-boost.fear")
        .hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> settings("fer.train.balance=weights", "fer.train.class-weight-boost.fear=lots"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("must be a number");
  }

  @Test
  void focalModeUsesTheConfiguredGammaAndSurvivesTheJsonConfiguration() {
    ILossFunction loss = NetworkFactory.loss(settings("fer.train.balance=focal", "fer.train.focal-gamma=1.5"),
        Emotion.labelNames(7), new long[7]);
    assertThat(loss).isEqualTo(new FocalLoss(1.5));
    ComputationGraphConfiguration conf = new VggBn().configure(ArchitectureOptions.defaults(7).withLoss(loss));
    BaseOutputLayer out = (BaseOutputLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex)
        ComputationGraphConfiguration.fromJson(conf.toJson()).getVertices().get("output")).getLayerConf().getLayer();
    assertThat(out.getLossFn()).isEqualTo(new FocalLoss(1.5));
  }

  static TrainSettings settings(String... sets) {
    return TrainSettings.from(FerConfig.load(null, java.util.List.of(sets), Map.of()));
  }

  private static INDArray oneHot(int n, int k) {
    INDArray y = Nd4j.zeros(DataType.DOUBLE, n, k);
    for (int i = 0; i < n; i++) {
      y.putScalar(i, (i * 3) % k, 1.0);
    }
    return y;
  }
}
