package org.ferspark.model.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Fits one epoch of training data into a network, in place: the part of {@link TrainingLoop} that differs between
 * the single JVM ({@link LocalEpochTrainer}) and Spark ({@code org.ferspark.jobs.train.SparkEpochTrainer}).
 */
public interface EpochTrainer {

  /**
   * Fits epoch {@code epoch} (counted from 1; seeds shuffling and augmentation) into {@code net}.
   *
   * @return the images fitted, the mean training loss as the trainer saw it and the seconds spent
   */
  TrainStats fitEpoch(ComputationGraph net, int epoch);

  /** One word for logs and history, e.g. {@code local} or {@code spark-parameter-averaging}. */
  String mode();
}
