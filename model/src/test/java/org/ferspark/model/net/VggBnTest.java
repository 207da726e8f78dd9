package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class VggBnTest {
  private static ComputationGraph graph;

  @BeforeAll
  static void build() {
    graph = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
  }

  @Test
  void learnableParameterCountMatchesPyTorchAndDl4jAddsRunningStatistics() {
    assertThat(ModelSummary.learnableParams(graph)).as("PyTorch's count").isEqualTo(1_174_439L);
    assertThat(graph.numParams()).as("plus BN running mean and variance, 2 x 960 channels")
        .isEqualTo(1_174_439L + 1_920L);
  }

  @Test
  void forwardGivesASevenWaySoftmaxSummingToOne() {
    INDArray out = graph.outputSingle(TestData.images(3, 42));

    assertThat(out.shape()).containsExactly(3, 7);
    for (int row = 0; row < 3; row++) {
      assertThat(out.getRow(row).sumNumber().doubleValue()).as("row %s sum", row).isCloseTo(1.0, within(1e-5));
      assertThat(out.getRow(row).minNumber().doubleValue()).isGreaterThan(0.0);
    }
  }

  @Test
  void poolsDownToThreeByThreeBeforeGlobalAveraging() {
    var types = graph.getConfiguration().getLayerActivationTypes(InputType.convolutional(48, 48, 1));

    assertThat(types.get("s1_pool")).isEqualTo(InputType.convolutional(24, 24, 32));
    assertThat(types.get("s4_pool")).isEqualTo(InputType.convolutional(3, 3, 256));
    assertThat(types.get("gap")).isEqualTo(InputType.feedForward(256));
  }

  @Test
  void rejectsAnInputSizeItCannotHalveFourTimes() {
    assertThatThrownBy(() -> new VggBn().configure(new ArchitectureOptions(7, 50, 1, null, 0, 0, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 16");
  }
}
