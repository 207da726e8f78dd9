package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * A compact VGG-style net with batch norm, the measured accuracy-per-CPU-hour anchor
 * ({@code shared/notes/training-anchor.md}: 68% FER2013 test accuracy after 18 CPU epochs in PyTorch).
 *
 * <p>Four stages of [3×3 conv (no bias) → batch norm → ReLU] × 2 with 32, 64, 128, 256 channels, each ending in a 2×2
 * max-pool (48 → 24 → 12 → 6 → 3); global average pool; dropout 0.3; dense softmax. 1,174,439 learnable parameters
 * as in PyTorch; DL4J's {@code numParams()} reports 1,920 more (1,176,359) because it
 * stores batch norm's running mean and standard deviation (as log10 std; 2 × 960 channels) in the parameter vector
 * ({@link ModelSummary#learnableParams} leaves them out). Default updater SGD with Nesterov momentum 0.9 at a constant
 * 0.05; the anchor's one-cycle schedule and weight decay 5e-4 come from the training config through
 * {@link ArchitectureOptions}. He (ReLU) init. {@link ArchitectureOptions#width} scales every stage's channels
 * (1.5: 48, 96, 192, 384 channels, 2.64 M parameters).
 */
public final class VggBn implements Architecture {
  private static final int[] STAGE_CHANNELS = {32, 64, 128, 256};
  private static final double DEFAULT_DROPOUT = 0.3;

  @Override
  public String name() {
    return "vgg-bn";
  }

  @Override
  public String description() {
    return "VGG-style 4 stages x 2 conv+BN (32-256 ch), global avg pool, dropout 0.3; 1.17 M parameters";
  }

  @Override
  public ComputationGraphConfiguration configure(ArchitectureOptions o) {
    if (o.inputSize() % 16 != 0) {
      throw new IllegalArgumentException("vgg-bn halves the input four times: inputSize must be a multiple of 16, got "
          + o.inputSize());
    }
    GraphBuilder g = GraphBase.start(o, new Nesterovs(0.05, 0.9), WeightInit.RELU);
    String last = GraphBase.INPUT;
    for (int stage = 1; stage <= STAGE_CHANNELS.length; stage++) {
      for (int i = 1; i <= 2; i++) {
        String id = "s" + stage + "_" + i;
        g.addLayer(id + "_conv", conv(o.scaled(STAGE_CHANNELS[stage - 1])), last)
            .addLayer(id + "_bn", new BatchNormalization.Builder().build(), id + "_conv")
            .addLayer(id + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), id + "_bn");
        last = id + "_relu";
      }
      String pool = "s" + stage + "_pool";
      g.addLayer(pool, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), last);
      last = pool;
    }
    g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
    last = "gap";
    double drop = o.dropoutOr(DEFAULT_DROPOUT);
    if (drop > 0) {
      g.addLayer("dropout", new DropoutLayer.Builder().dropOut(new Dropout(1 - drop)).build(), last);
      last = "dropout";
    }
    return g.addLayer(GraphBase.OUTPUT, new OutputLayer.Builder(o.lossOrCrossEntropy())
            .nOut(o.classes()).activation(Activation.SOFTMAX).build(), last)
        .setOutputs(GraphBase.OUTPUT)
        .build();
  }

  private static ConvolutionLayer conv(int channels) {
    return new ConvolutionLayer.Builder(3, 3)
        .nOut(channels)
        .convolutionMode(ConvolutionMode.Same)
        .hasBias(false)
        .activation(Activation.IDENTITY)
        .build();
  }
}
