package org.ferspark.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order in which one epoch visits the training images: a seeded shuffle, and with oversampling every class
 * filled up to the largest one by repeating its images (each image as evenly as possible, the remainder drawn
 * without replacement). The same (seed, epoch) always gives the same order, on any JVM.
 */
public final class EpochOrder {
  private EpochOrder() {
  }

  /** The seed of {@code epoch} in a run seeded with {@code seed} (epochs counted from 1). */
  public static long epochSeed(long seed, int epoch) {
    return new SplittableRandom(seed).split().nextLong() ^ (0x9E3779B97F4A7C15L * epoch);
  }

  /** Indices into {@code labels}, shuffled; with {@code oversample} each class repeated up to the largest. */
  public static int[] of(int[] labels, int classes, long seed, int epoch, boolean oversample) {
    SplittableRandom rng = new SplittableRandom(epochSeed(seed, epoch));
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    int target = byClass.stream().mapToInt(List::size).max().orElse(0);
    List<Integer> order = new ArrayList<>();
    for (List<Integer> members : byClass) {
      order.addAll(members);
      if (oversample && !members.isEmpty()) {
        int extra = target - members.size();
        for (int r = 0; r < extra / members.size(); r++) {
          order.addAll(members);
        }
        int[] rest = shuffled(members.stream().mapToInt(Integer::intValue).toArray(), rng);
        for (int k = 0; k < extra % members.size(); k++) {
          order.add(rest[k]);
        }
      }
    }
    return shuffled(order.stream().mapToInt(Integer::intValue).toArray(), rng);
  }

  /** Fisher–Yates in place; returns {@code a}. */
  public static int[] shuffled(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * How often an image of each class appears in an oversampled epoch, on average: {@code max_c n_c / n_c}
   * (1 for the largest class, 0 for an empty one). The Spark path repeats each row {@code floor(r)} times plus once
   * more with probability {@code r - floor(r)}, since no executor sees the whole class.
   */
  public static double[] repeatFactors(long[] counts) {
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    double[] r = new double[counts.length];
    for (int c = 0; c < counts.length; c++) {
      r[c] = counts[c] == 0 ? 0 : (double) max / counts[c];
    }
    return r;
  }
}
