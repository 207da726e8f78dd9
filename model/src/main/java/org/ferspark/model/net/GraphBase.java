package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.IUpdater;

/** The settings every architecture shares: seed, updater, weight init, regularisation, the one input. */
final class GraphBase {
  /** Name of the single network input. */
  static final String INPUT = "input";
  /** Name of the single softmax output layer. */
  static final String OUTPUT = "output";

  private GraphBase() {
  }

  /** A graph builder with input {@value #INPUT} = {@code convolutional(size, size, 1)} already added. */
  static GraphBuilder start(ArchitectureOptions o, IUpdater defaultUpdater, WeightInit weightInit) {
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(o.seed())
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
