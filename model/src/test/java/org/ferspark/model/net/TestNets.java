package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Test fixtures shared by the batch-norm and data-parallel tests. */
public final class TestNets {
  private TestNets() {}

  /**
   * conv-BN-ReLU x3 (c0/bn0/r0 … c2/bn2/r2) on 16×16×1 inputs, average pooling after the first block ("pool"), 4
   * softmax outputs: with average pooling no max-pooling argmax can flip on a last-bit difference.
   */
  public static ComputationGraph convBnRelu(IUpdater updater) {
    var g = new NeuralNetConfiguration.Builder().seed(5).updater(updater).weightInit(WeightInit.RELU)
        .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(16, 16, 1));
    String last = "in";
    int[] channels = {8, 16, 16};
    for (int i = 0; i < channels.length; i++) {
      g.addLayer("c" + i, new ConvolutionLayer.Builder(3, 3).nOut(channels[i]).convolutionMode(ConvolutionMode.Same)
          .hasBias(false).activation(Activation.IDENTITY).build(), last)
          .addLayer("bn" + i, new BatchNormalization.Builder().build(), "c" + i)
          .addLayer("r" + i, new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn" + i);
      last = "r" + i;
      if (i == 0) {
        g.addLayer("pool", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), last);
        last = "pool";
      }
    }
    ComputationGraphConfiguration conf = g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
            last)
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
            .activation(Activation.SOFTMAX).build(), "gap")
        .setOutputs("out").build();
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    return net;
  }

  /** max |actual − expected| / max |expected| below {@code tolerance}. */
  public static void assertRelative(INDArray actual, INDArray expected, double tolerance, String what) {
    INDArray a = actual.castTo(DataType.DOUBLE).reshape(actual.length());
    INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
    double scale = Math.max(1e-6, e.amaxNumber().doubleValue());
    double diff = a.sub(e).amaxNumber().doubleValue();
    assertThat(diff / scale).as("%s: max |difference| %s, max |expected| %s", what, diff, scale)
        .isLessThan(tolerance);
  }
}
