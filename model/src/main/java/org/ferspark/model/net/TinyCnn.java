package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A deliberately small CNN for smoke tests and the quickstart, not for accuracy: Conv 16 5×5 stride 2 ReLU →
 * MaxPool 2×2 → Dense 32 ReLU → softmax (about 75 k parameters at 48×48; trains hundreds of images per second on
 * one core). Adam 1e-3, He init.
 */
public final class TinyCnn implements Architecture {

  @Override
  public String name() {
    return "tiny-cnn";
  }

  @Override
  public String description() {
    return "smoke-test CNN: conv 16 5x5/2 + maxpool + dense 32, ~75 k parameters; for tests and the quickstart";
  }

  @Override
  public ComputationGraphConfiguration configure(ArchitectureOptions o) {
    o.requireUnitWidth(name());
    return GraphBase.start(o, new Adam(1e-3), WeightInit.RELU)
        .addLayer("conv1", new ConvolutionLayer.Builder(5, 5).stride(2, 2).nOut(16)
            .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), GraphBase.INPUT)
        .addLayer("pool1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
            "conv1")
        .addLayer("dense", new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build(), "pool1")
        .addLayer(GraphBase.OUTPUT, new OutputLayer.Builder(o.lossOrCrossEntropy())
            .nOut(o.classes()).activation(Activation.SOFTMAX).build(), "dense")
        .setOutputs(GraphBase.OUTPUT)
        .build();
  }
}
