package org.ferspark.evaluation.metrics;

/**
 * Wilson's score interval for a binomial proportion (e.g. a class's recall: hits among its examples), the interval
 * that stays inside [0, 1] and keeps close to its nominal coverage for small counts and proportions near 0 or 1,
 * where the normal approximation {@code p ± z·sqrt(p(1-p)/n)} fails (it gives [1, 1] for 5 hits out of 5).
 */
public final class Wilson {
  /** z of a two-sided 95 % interval. */
  public static final double Z95 = 1.959963984540054;

  private Wilson() {
  }

  /**
   * The 95 % interval {@code [low, high]} of {@code successes / n}; {@code [NaN, NaN]} for {@code n = 0} (no
   * examples: nothing to estimate).
   */
  public static double[] interval95(long successes, long n) {
    return interval(successes, n, Z95);
  }

  /** The interval for {@code z} standard deviations. */
  public static double[] interval(long successes, long n, double z) {
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException(successes + " successes out of " + n);
    }
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double p = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}
