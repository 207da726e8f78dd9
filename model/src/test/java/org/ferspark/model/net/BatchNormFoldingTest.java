package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.ferspark.model.TestData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BatchNormFoldingTest {
  /**
   * vgg-bn with random weights and batch-norm statistics far from their initial values, including standard
   * deviations of the order of sqrt(eps), where forgetting eps would show.
   */
  private static ComputationGraph vggWithRandomStatistics() {
    ComputationGraph g = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    Nd4j.getRandom().setSeed(11);
    for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) {
      if (l.conf().getLayer() instanceof BatchNormalization) {
        Map<String, INDArray> p = l.paramTable();
        long n = p.get(BatchNormalizationParamInitializer.GLOBAL_MEAN).length();
        l.setParam(BatchNormalizationParamInitializer.GAMMA, Nd4j.rand(new long[] {1, n}).addi(0.5));
        l.setParam(BatchNormalizationParamInitializer.BETA, Nd4j.rand(new long[] {1, n}).subi(0.5));
        l.setParam(BatchNormalizationParamInitializer.GLOBAL_MEAN, Nd4j.rand(new long[] {1, n}).subi(0.5).muli(0.2));
        // log10 std in [-2.5, 0]: std from 0.003 (var 1e-5 = eps) to 1
        l.setParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, Nd4j.rand(new long[] {1, n}).muli(-2.5));
      }
    }
    return g;
  }

  @Test
  void foldedVggBnComputesTheSameProbabilitiesWithoutItsBatchNormAndReluLayers() {
    ComputationGraph g = vggWithRandomStatistics();
    INDArray before = g.params().dup();
    INDArray x = TestData.images(4, 5);

    ComputationGraph folded = BatchNormFolding.fold(g);

    assertThat(BatchNormFolding.foldableChains(g)).isEqualTo(8);
    assertThat(folded.getLayers()).hasSize(g.getLayers().length - 16);
    assertThat(BatchNormFolding.foldableChains(folded)).isZero();
    INDArray expected = g.outputSingle(false, x);
    INDArray actual = folded.outputSingle(false, x);
    assertThat(actual.shape()).containsExactly(expected.shape());
    double maxDiff = Math.abs(actual.sub(expected).maxNumber().doubleValue());
    maxDiff = Math.max(maxDiff, Math.abs(actual.sub(expected).minNumber().doubleValue()));
    assertThat(maxDiff).as("max |folded - original| over %s", expected).isLessThan(1e-5);
    assertThat(actual.argMax(1)).isEqualTo(expected.argMax(1));
    // the first fused block on its own, before pooling and softmax can hide a difference
    INDArray relu = g.feedForward(x, false).get("s1_1_relu");
    INDArray fusedConv = folded.feedForward(x, false).get("s1_1_conv");
    double scale = relu.amaxNumber().doubleValue();
    assertThat(fusedConv.sub(relu).amaxNumber().doubleValue()).as("block 1, relative to %s", scale)
        .isLessThan(1e-5 * scale);
    assertThat(g.params()).as("the original is left as it was").isEqualTo(before);
  }

  @Test
  void aConvolutionWhoseOutputAlsoFeedsAnotherVertexIsNotFolded() {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
        .addInputs("in")
        .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(1).convolutionMode(ConvolutionMode.Same)
            .activation(Activation.IDENTITY).build(), "in")
        .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
        .addVertex("skip", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv", "bn")
        .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "skip")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(7)
            .activation(Activation.SOFTMAX).build(), "gap")
        .setOutputs("out")
        .setInputTypes(InputType.convolutional(48, 48, 1))
        .build());
    g.init();

    assertThat(BatchNormFolding.foldableChains(g)).isZero();
    assertThat(BatchNormFolding.fold(g)).isSameAs(g);
  }

  @Test
  void aNetWithoutBatchNormIsReturnedAsItIs() {
    ComputationGraph paper = Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
    assertThat(BatchNormFolding.fold(paper)).isSameAs(paper);
  }
}
