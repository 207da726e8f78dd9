package org.ferspark.model.train;

/**
 * What one {@link EpochTrainer#fitEpoch} reports.
 *
 * @param images training images fitted (with oversampling, repeats counted)
 * @param loss mean minibatch loss during the epoch (single JVM: the running mean over all minibatches, weighted by
 *     size; Spark parameter averaging: the workers' mean score of the last averaging round); NaN if unknown
 * @param seconds wall time of the fit
 */
public record TrainStats(long images, double loss, double seconds) {
}
