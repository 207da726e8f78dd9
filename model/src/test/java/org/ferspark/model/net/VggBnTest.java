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

  @Test
  void widthScalesEveryStageAndTheFixedNetsRejectIt() {
    ComputationGraph wide = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7).withWidth(1.5));
    var types = wide.getConfiguration().getLayerActivationTypes(InputType.convolutional(48, 48, 1));

    assertThat(types.get("s1_pool")).isEqualTo(InputType.convolutional(24, 24, 48));
    assertThat(types.get("s3_pool")).isEqualTo(InputType.convolutional(6, 6, 192));
    assertThat(types.get("gap")).isEqualTo(InputType.feedForward(384));
    // convolutions 9 * (1*48 + 48*48 + 48*96 + 96*96 + 96*192 + 192*192 + 192*384 + 384*384), BN gamma and beta of
    // 2 * (48 + 96 + 192 + 384) channels, dense 384 * 7 + 7
    assertThat(ModelSummary.learnableParams(wide)).isEqualTo(2_633_904L + 2_880L + 2_695L);
    assertThat(wide.outputSingle(TestData.images(2, 7)).shape()).containsExactly(2, 7);

    assertThatThrownBy(() -> Architectures.build("paper-cnn", ArchitectureOptions.defaults(7).withWidth(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paper-cnn").hasMessageContaining("width");
    assertThatThrownBy(() -> ArchitectureOptions.defaults(7).withWidth(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width");
  }
}
