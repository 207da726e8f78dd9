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
