package org.ferspark.evaluation.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Discordance counts between every pair of models scored on the same examples, accumulated in the scoring pass
 * and mergeable like {@link MetricsAccumulator}: {@code onlyFirst[i][j]} counts examples model {@code i} got right
 * and model {@code j} wrong. No per-example results are kept.
 */
public final class PairCounts implements Serializable {
  private static final long serialVersionUID = 1L;
  private int models;
  private long[] only;

  public PairCounts(int models) {
    if (models < 1) {
      throw new IllegalArgumentException("need at least one model, got " + models);
    }
    this.models = models;
    this.only = new long[models * models];
  }

  /** Counts one example; {@code correct[m]} says whether model {@code m} classified it correctly. */
  public void add(boolean[] correct) {
    if (correct.length != models) {
      throw new IllegalArgumentException(correct.length + " results for " + models + " models");
    }
    for (int i = 0; i < models; i++) {
      if (!correct[i]) {
        continue;
      }
      for (int j = 0; j < models; j++) {
        if (!correct[j]) {
          only[i * models + j]++;
        }
      }
    }
  }

  /** Adds {@code other}'s counts into this one; returns this. */
  public PairCounts merge(PairCounts other) {
    if (other.models != models) {
      throw new IllegalArgumentException("cannot merge counts of " + other.models + " models into " + models);
    }
    for (int k = 0; k < only.length; k++) {
      only[k] += other.only[k];
    }
    return this;
  }

  /** Examples model {@code i} got right and model {@code j} wrong. */
  public long onlyFirst(int i, int j) {
    return only[i * models + j];
  }

  /** McNemar's test for every pair {@code i < j}, in that order; {@code names} in model order. */
  public List<PairTest> tests(List<String> names) {
    if (names.size() != models) {
      throw new IllegalArgumentException(names.size() + " names for " + models + " models");
    }
    List<PairTest> tests = new ArrayList<>();
    for (int i = 0; i < models; i++) {
      for (int j = i + 1; j < models; j++) {
        tests.add(McNemar.test(names.get(i), names.get(j), onlyFirst(i, j), onlyFirst(j, i)));
      }
    }
    return tests;
  }
}
