package org.ferspark.evaluation.metrics;

/**
 * McNemar's test between two models scored on the same examples.
 *
 * @param modelA name of the first model
 * @param modelB name of the second model
 * @param onlyA examples model A got right and model B wrong
 * @param onlyB examples model B got right and model A wrong
 * @param statistic chi-square statistic with continuity correction (NaN for the exact test)
 * @param pValue two-sided p-value
 * @param method {@code "exact-binomial"} when onlyA + onlyB &lt; 25, else {@code "chi2-continuity"}
 */
public record PairTest(String modelA, String modelB, long onlyA, long onlyB, double statistic, double pValue,
    String method) {
}
