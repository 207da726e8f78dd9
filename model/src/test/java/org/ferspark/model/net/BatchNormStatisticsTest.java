package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * {@link BatchNormStatistics}: after re-estimation every batch-norm layer's running mean and variance are the
 * population moments of its input at inference, over all the batches, with the layers before it already
 * re-estimated.
 */
class BatchNormStatisticsTest {

  @Test
  void runningStatisticsBecomeTheInferenceMomentsOfEachLayersInput() {
    ComputationGraph net = TestNets.convBnRelu(new Sgd(0.1));
    // start from statistics that are far off: mean 3, variance 0.01 everywhere
    for (String bn : List.of("bn0", "bn1", "bn2")) {
      INDArray mean = net.getLayer(bn).paramTable().get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
      mean.assign(3.0);
      var table = net.getLayer(bn).paramTable();
      String key = table.containsKey(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
          ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD : BatchNormalizationParamInitializer.GLOBAL_VAR;
      table.get(key).assign(key.equals(BatchNormalizationParamInitializer.GLOBAL_VAR) ? 0.01 : -1.0);
    }
    Nd4j.getRandom().setSeed(11);
    List<INDArray> batches = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // batches of unequal size and offset, so a plain mean of batch means would be wrong
      batches.add(Nd4j.rand(DataType.FLOAT, 5 + 4 * i, 1, 16, 16).addi(0.2 * i));
    }

    BatchNormStatistics.Report r = BatchNormStatistics.reestimate(net, batches);

    assertThat(r.layers()).containsExactly("bn0", "bn1", "bn2");
    assertThat(r.images()).isEqualTo(5 + 9 + 13);
    INDArray all = Nd4j.concat(0, batches.toArray(new INDArray[0]));
    var acts = net.feedForward(new INDArray[] {all}, false);
    for (String[] pair : new String[][] {{"bn0", "c0"}, {"bn1", "c1"}, {"bn2", "c2"}}) {
      INDArray x = acts.get(pair[1]).castTo(DataType.DOUBLE);
      BatchNormFolding.Stats s = BatchNormFolding.stats(net, pair[0]);
      TestNets.assertRelative(s.mean(), x.mean(0, 2, 3), 1e-4, pair[0] + " mean");
      TestNets.assertRelative(s.var(), x.var(false, 0, 2, 3), 1e-4, pair[0] + " variance");
    }
  }

  @Test
  void refusesANetworkWithoutBatchNormAndEmptyData() {
    ComputationGraph plain = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7));
    assertThatThrownBy(() -> BatchNormStatistics.reestimate(plain,
        List.of(Nd4j.rand(DataType.FLOAT, 2, 1, 48, 48))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no batch-norm layer");
    ComputationGraph net = TestNets.convBnRelu(new Sgd(0.1));
    assertThatThrownBy(() -> BatchNormStatistics.reestimate(net, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no images");
  }
}
