package org.ferspark.evaluation.metrics;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Erf;

/**
 * McNemar's test of two classifiers scored on the same examples, from the discordant counts only: {@code b}
 * examples only model A got right, {@code c} only model B. Below {@value #EXACT_BELOW} discordant examples the
 * exact two-sided binomial test ({@code p = min(1, 2 P(X <= min(b, c)))}, {@code X ~ Bin(b + c, 1/2)}); from there
 * the chi-square statistic with continuity correction {@code (|b - c| - 1)^2 / (b + c)} and its 1-degree-of-freedom
 * tail {@code erfc(sqrt(x / 2))}. Special functions from commons-math3 (on every Spark classpath).
 */
public final class McNemar {
  /** Discordant counts below this use the exact binomial test. */
  public static final long EXACT_BELOW = 25;
  public static final String EXACT = "exact-binomial";
  public static final String CHI2 = "chi2-continuity";

  private McNemar() {
  }

  /** The test of model A against model B. */
  public static PairTest test(String modelA, String modelB, long onlyA, long onlyB) {
    if (onlyA < 0 || onlyB < 0) {
      throw new IllegalArgumentException("negative counts " + onlyA + ", " + onlyB);
    }
    long n = onlyA + onlyB;
    if (n < EXACT_BELOW) {
      return new PairTest(modelA, modelB, onlyA, onlyB, Double.NaN, exactP(onlyA, onlyB), EXACT);
    }
    double x = chi2Statistic(onlyA, onlyB);
    return new PairTest(modelA, modelB, onlyA, onlyB, x, chi2P(x), CHI2);
  }

  /** Two-sided exact binomial p-value, 1 when there are no discordant examples. */
  public static double exactP(long b, long c) {
    long n = b + c;
    if (n == 0) {
      return 1;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many discordant examples for the exact test: " + n);
    }
    double tail = new BinomialDistribution(null, (int) n, 0.5).cumulativeProbability((int) Math.min(b, c));
    return Math.min(1, 2 * tail);
  }

  /** {@code (|b - c| - 1)^2 / (b + c)}; 0 when {@code |b - c| <= 1}. */
  public static double chi2Statistic(long b, long c) {
    double d = Math.max(0, Math.abs(b - c) - 1);
    return d * d / (b + c);
  }

  /** Upper tail of the chi-square distribution with one degree of freedom: {@code erfc(sqrt(x / 2))}. */
  public static double chi2P(double x) {
    return Erf.erfc(Math.sqrt(x / 2));
  }
}
