package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * A named network factory: turns {@link ArchitectureOptions} into a {@link ComputationGraphConfiguration}.
 *
 * <p>Every architecture is a {@code ComputationGraph}, so training, Spark training and evaluation have one code path.
 * Graphs take one input named {@code "input"} of {@code InputType.convolutional(size, size, 1)} (NCHW, pixels
 * {@code x / 255}) and end in one softmax output layer with {@code classes} units. New architectures are added by
 * implementing this interface (public no-argument constructor) and listing the class in
 * {@code META-INF/services/org.ferspark.model.net.Architecture}; {@link Architectures} finds them, the training job
 * needs no change.
 */
public interface Architecture {

  /** The name used on the command line and in model metadata, e.g. {@code paper-cnn}. */
  String name();

  /** One line for {@code --help} and logs. */
  String description();

  /** The graph configuration, input types set; call {@code new ComputationGraph(conf).init()} to get a network. */
  ComputationGraphConfiguration configure(ArchitectureOptions options);
}
