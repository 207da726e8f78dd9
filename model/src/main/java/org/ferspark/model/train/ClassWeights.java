package org.ferspark.model.train;

/** Class weights for an imbalanced training set: {@code w_c = N / (k · n_c)}, so the mean weight per image is 1. */
public final class ClassWeights {
  private ClassWeights() {
  }

  /**
   * Weights from images per class ({@code counts[c]} = n_c). A class without images gets weight 0 (it never
   * appears as a label, so the weight is never used).
   */
  public static double[] fromCounts(long[] counts) {
    return fromCounts(counts, 1.0);
  }

  /**
   * Softened weights {@code (N / (k · n_c))^power}, rescaled so that the mean weight per training image stays 1
   * ({@code power} 1 = {@link #fromCounts(long[])}; 0.5 = square root of inverse frequency).
   */
  public static double[] fromCounts(long[] counts, double power) {
    if (!(power > 0 && power <= 1)) {
      throw new IllegalArgumentException("class-weight power must be in (0, 1], got " + power);
    }
    double[] w = inverseFrequency(counts);
    if (power == 1.0) {
      return w;
    }
    for (int c = 0; c < w.length; c++) {
      w[c] = Math.pow(w[c], power);
    }
    return toMeanOne(w, counts);
  }

  /**
   * {@link #fromCounts(long[], double)} with class {@code c}'s weight multiplied by {@code boost[c]} before the
   * weights are rescaled to a mean of 1 per training image ({@code fer.train.class-weight-boost}: a class the softened
   * weights still under-serve, e.g. FER2013's fear, weighted up by hand).
   */
  public static double[] fromCounts(long[] counts, double power, double[] boost) {
    if (boost.length != counts.length) {
      throw new IllegalArgumentException(boost.length + " boosts for " + counts.length + " classes");
    }
    double[] w = fromCounts(counts, power);
    for (int c = 0; c < w.length; c++) {
      if (!(boost[c] > 0)) {
        throw new IllegalArgumentException("class-weight boost of class " + c + " must be > 0, got " + boost[c]);
      }
      w[c] *= boost[c];
    }
    return toMeanOne(w, counts);
  }

  /** Rescales {@code w} in place so that the mean weight per training image is 1. */
  private static double[] toMeanOne(double[] w, long[] counts) {
    double weighted = 0;
    long total = 0;
    for (int c = 0; c < w.length; c++) {
      weighted += w[c] * counts[c];
      total += counts[c];
    }
    double scale = total / weighted;
    for (int c = 0; c < w.length; c++) {
      w[c] *= scale;
    }
    return w;
  }

  private static double[] inverseFrequency(long[] counts) {
    long total = 0;
    int present = 0;
    for (long c : counts) {
      total += c;
      present += c > 0 ? 1 : 0;
    }
    if (total == 0) {
      throw new IllegalArgumentException("no training images to weigh classes by");
    }
    double[] w = new double[counts.length];
    for (int c = 0; c < counts.length; c++) {
      w[c] = counts[c] == 0 ? 0 : (double) total / ((double) present * counts[c]);
    }
    return w;
  }
}
