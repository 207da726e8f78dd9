package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PaperCnnTest {
  private static ComputationGraph graph;

  @BeforeAll
  static void build() {
    graph = Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
  }

  @Test
  void paperCnnHasTable3ParameterCount() {
    assertThat(graph.numParams()).as("Table 3 parameter count").isEqualTo(10_914_823L);
    assertThat(ModelSummary.learnableParams(graph)).isEqualTo(10_914_823L);
  }

  @Test
  void layerOutputShapesFollowTable3() {
    Map<String, InputType> types = graph.getConfiguration()
        .getLayerActivationTypes(InputType.convolutional(48, 48, 1));

    assertThat(types.get("conv1")).isEqualTo(InputType.convolutional(48, 48, 128));
    assertThat(types.get("pool1")).isEqualTo(InputType.convolutional(24, 24, 128));
    assertThat(types.get("conv2")).isEqualTo(InputType.convolutional(24, 24, 256));
    assertThat(types.get("pool2")).isEqualTo(InputType.convolutional(12, 12, 256));
    assertThat(types.get("conv3")).isEqualTo(InputType.convolutional(12, 12, 512));
    assertThat(types.get("flatten")).as("flatten = 12*12*512").isEqualTo(InputType.feedForward(73_728));
    assertThat(types.get("dense")).isEqualTo(InputType.feedForward(128));
    assertThat(types.get("output")).isEqualTo(InputType.feedForward(7));
  }

  @Test
  void summaryShowsLayersAndEndsInTheTotal() {
    String summary = ModelSummary.of(graph);

    assertThat(summary).contains("conv1", "pool2", "flatten", "dense", "output");
    assertThat(summary.strip()).endsWith("Total parameters: 10,914,823 (learnable 10,914,823, "
        + "batch-norm running statistics 0)");
  }

  @Test
  void hasNoDropoutUnlessOptionsAskForIt() {
    ComputationGraphConfiguration plain = new PaperCnn().configure(ArchitectureOptions.defaults(7));
    ComputationGraphConfiguration dropped = new PaperCnn().configure(ArchitectureOptions.defaults(7).withDropout(0.5));

    for (String layer : new String[] {"conv1", "conv2", "conv3", "dense", "output"}) {
      assertThat(layerConf(plain, layer).getIDropout()).as("%s dropout by default", layer).isNull();
    }
    assertThat(layerConf(dropped, "dense").getIDropout()).as("dense input dropout").isNotNull();
    assertThat(layerConf(dropped, "output").getIDropout()).as("output input dropout").isNotNull();
    assertThat(layerConf(dropped, "conv3").getIDropout()).as("conv dropout").isNull();
  }

  private static BaseLayer layerConf(ComputationGraphConfiguration conf, String name) {
    return (BaseLayer) ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
  }
}
