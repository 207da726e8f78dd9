package org.ferspark.model.train;

/**
 * What one {@link EpochTrainer#fitEpoch} reports.
 *
 * @param images training images fitted (with oversampling, repeats counted)
 * @param loss mean minibatch data loss during the epoch, without the weight-decay / L2 term (single JVM: the running mean over all minibatches, weighted by
 *     size; Spark parameter averaging: the workers' mean score of the last averaging round minus the averaged network's regularisation term); NaN if unknown
 * @param seconds wall time of the fit
 */
public record TrainStats(long images, double loss, double seconds) {
}
