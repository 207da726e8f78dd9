package org.ferspark.evaluation.metrics;

/**
 * Precision, recall and F1 of one class. A class with no predictions has precision 0 (and F1 0); a class with no
 * support has recall NaN and is left out of macro averages (both written to JSON as {@code null} when NaN).
 *
 * @param name class name in the dataset's label order
 * @param precision TP / (TP + FP)
 * @param recall TP / support
 * @param f1 harmonic mean of precision and recall
 * @param support examples whose true label is this class
 * @param predicted examples predicted as this class
 */
public record ClassMetrics(String name, double precision, double recall, double f1, long support, long predicted) {
}
