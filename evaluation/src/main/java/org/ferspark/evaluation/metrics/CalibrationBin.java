package org.ferspark.evaluation.metrics;

/**
 * One confidence bin of a reliability diagram: examples whose top-1 probability lies in {@code (lower, upper]}
 * (the first bin also takes 0).
 *
 * @param lower bin lower edge
 * @param upper bin upper edge
 * @param count examples in the bin
 * @param meanConfidence mean top-1 probability of those examples (NaN when empty)
 * @param accuracy fraction of those examples classified correctly (NaN when empty)
 */
public record CalibrationBin(double lower, double upper, long count, double meanConfidence, double accuracy) {
}
