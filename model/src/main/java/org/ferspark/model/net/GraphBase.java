package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The settings every architecture shares: seed, updater, weight init, regularisation, the one input, and
 * {@link #TRAINING_CACHE}.
 */
final class GraphBase {
  /** Name of the single network input. */
  static final String INPUT = "input";
  /** Name of the single softmax output layer. */
  static final String OUTPUT = "output";

  /**
   * The cache mode of every network built here. With DL4J's default {@code NONE} every convolution layer computes
   * its forward pass a second time in backprop; {@code DEVICE} keeps the pre-activation from the forward pass
   * (same values, one convolution fewer per layer and step; {@code CacheModeTest}). It is set on the configuration
   * itself: {@code ComputationGraph.setCacheMode} changes only the layers and is ignored by the forward pass.
   */
  public static final CacheMode TRAINING_CACHE = CacheMode.DEVICE;

  private GraphBase() {
  }

  /** A graph builder with input {@value #INPUT} = {@code convolutional(size, size, 1)} already added. */
  static GraphBuilder start(ArchitectureOptions o, IUpdater defaultUpdater, WeightInit weightInit) {
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(o.seed())
        .cacheMode(TRAINING_CACHE)
        .updater(o.updaterOr(defaultUpdater))
        .weightInit(weightInit);
    if (o.l2() > 0) {
      base.l2(o.l2());
    }
    if (o.weightDecay() > 0) {
      base.weightDecay(o.weightDecay());
    }
    return base.graphBuilder()
        .addInputs(INPUT)
        .setInputTypes(InputType.convolutional(o.inputSize(), o.inputSize(), 1));
  }
}
