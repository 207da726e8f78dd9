package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.ferspark.model.TestData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * oneDNN must be active on CPU: without it paper-cnn trains about 5× slower. Needs the {@code onednn} ND4J
 * classifier, {@code -Dorg.eclipse.deeplearning4j.helpers.disable=false} (surefire argLine) and the Nd4jCpu shim.
 */
class OneDnnHelperTest {

  @Test
  void convLayersUseOneDnnHelper() {
    ComputationGraph graph = Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
    graph.fit(TestData.batch(4, 11));

    int conv = 0;
    int pool = 0;
    for (Layer layer : graph.getLayers()) {
      if (layer instanceof ConvolutionLayer) {
        assertThat(layer.getHelper()).as("helper of %s; %s", layer.conf().getLayer().getLayerName(), OneDnn.describe())
            .isInstanceOf(MKLDNNConvHelper.class);
        conv++;
      } else if (layer instanceof SubsamplingLayer) {
        assertThat(layer.getHelper()).as("helper of %s", layer.conf().getLayer().getLayerName())
            .isInstanceOf(MKLDNNSubsamplingHelper.class);
        pool++;
      }
    }
    assertThat(conv).as("conv layers").isEqualTo(3);
    assertThat(pool).as("pooling layers").isEqualTo(2);
    assertThat(OneDnn.helpersActive(graph)).isTrue();
    assertThat(OneDnn.convHelpers(graph)).containsEntry("conv1", "MKLDNNConvHelper")
        .containsEntry("pool1", "MKLDNNSubsamplingHelper");
  }

  @Test
  void describeNamesBackendBinaryAndHelperSwitch() {
    assertThat(OneDnn.describe())
        .contains("backend=CPU", "oneDNN=built-in,in use", "helpers=enabled", OneDnn.HELPERS_DISABLE + "=false");
  }

  @Test
  void helperAndBuiltInPathGiveTheSameOutputs() {
    ComputationGraph withHelper = Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
    ComputationGraph builtIn = buildWithHelpersDisabled();
    builtIn.setParams(withHelper.params().dup());
    INDArray x = TestData.images(4, 5);

    INDArray a = withHelper.outputSingle(x);
    INDArray b = builtIn.outputSingle(x);

    assertThat(OneDnn.helpersActive(withHelper)).isTrue();
    assertThat(OneDnn.convHelpers(builtIn).values()).containsOnly("none");
    assertThat(a.equalsWithEps(b, 1e-5)).as("softmax outputs equal to 1e-5:%n%s%n%s", a, b).isTrue();
  }

  @Test
  void enableSetsTheSwitchOnlyWhenTheUserHasNot() {
    String before = System.getProperty(OneDnn.HELPERS_DISABLE);
    try {
      System.clearProperty(OneDnn.HELPERS_DISABLE);
      assertThat(OneDnn.helpersEnabledByProperty()).as("DL4J's default").isFalse();
      assertThat(OneDnn.enable()).isTrue();
      assertThat(System.getProperty(OneDnn.HELPERS_DISABLE)).isEqualTo("false");

      System.setProperty(OneDnn.HELPERS_DISABLE, "true");
      assertThat(OneDnn.enable()).as("an explicit -D...=true wins").isFalse();
    } finally {
      restore(before);
    }
  }

  private static void restore(String before) {
    if (before == null) {
      System.clearProperty(OneDnn.HELPERS_DISABLE);
    } else {
      System.setProperty(OneDnn.HELPERS_DISABLE, before);
    }
  }

  private static ComputationGraph buildWithHelpersDisabled() {
    String before = System.getProperty(OneDnn.HELPERS_DISABLE);
    System.setProperty(OneDnn.HELPERS_DISABLE, "true");
    try {
      return Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
    } finally {
      restore(before);
    }
  }
}
