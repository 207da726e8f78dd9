package org.ferspark.preprocessing.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.types.UTF8String;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.dataset.Splits;

/**
 * Split assignment by rank for inputs one task holds whole (a label folder listed by one task): the same result as
 * {@link SplitAssigner}'s window, without its shuffle. Within each pool and class, inputs are ordered by
 * {@code xxhash64(id, seed)} (Spark's function, computed with its {@link XXH64}), then id, then source; the input of
 * rank {@code r} of {@code n} has {@code p = (r - 1) / n} and takes the first split whose cumulative ratio exceeds
 * {@code p} (the last split otherwise).
 */
final class ClassRanks {
  private ClassRanks() {}

  private record Ranked(InputRecord record, long hash, int index) {}

  /** A pool and class, the group an input is ranked in. */
  private record Group(String pool, int label) {}

  /** By hash, then (only on a tie, i.e. an id listed twice) by id and source as UTF-8 bytes, as Spark sorts strings. */
  private static final Comparator<Ranked> ORDER = (a, b) -> {
    int c = Long.compare(a.hash(), b.hash());
    if (c == 0) {
      c = UTF8String.fromString(a.record().id()).compareTo(UTF8String.fromString(b.record().id()));
    }
    if (c == 0) {
      c = UTF8String.fromString(a.record().source()).compareTo(UTF8String.fromString(b.record().source()));
    }
    return c;
  };

  /** The records with splits assigned where they need one, in their original order. */
  static List<InputRecord> assign(List<InputRecord> records, long seed, Map<String, Map<String, Double>> poolRatios) {
    Map<Group, List<Ranked>> classes = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      InputRecord r = records.get(i);
      if (r.pool() != null) {
        long hash = XXH64.hashLong(seed, TensorSchema.hash(r.id(), 42L));
        classes.computeIfAbsent(new Group(r.pool(), r.label()), k -> new ArrayList<>()).add(new Ranked(r, hash, i));
      }
    }
    List<InputRecord> out = new ArrayList<>(records);
    for (List<Ranked> members : classes.values()) {
      Map<String, Double> ratios = poolRatios.get(members.get(0).record().pool());
      if (ratios == null) {
        continue;
      }
      List<String> order = splitsIn(ratios);
      double[] cumulative = cumulative(order, ratios);
      sortByRank(members);
      for (int rank = 0; rank < members.size(); rank++) {
        InputRecord r = members.get(rank).record();
        if (r.split() == null && r.rejectReason() == null) {
          String split = splitAt((double) rank / (double) members.size(), order, cumulative);
          out.set(members.get(rank).index(), new InputRecord(r.id(), r.source(), r.path(), r.inlinePixels(),
              r.label(), split, r.pool(), r.box(), r.fileSize(), r.rejectReason(), r.rejectDetail()));
        }
      }
    }
    return out;
  }

  /**
   * Sorts by {@link #ORDER}: by a primitive sort of the hashes when they are distinct (always, unless an id is listed
   * twice), else with the full comparator.
   */
  private static void sortByRank(List<Ranked> members) {
    long[] hashes = new long[members.size()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = members.get(i).hash();
    }
    Arrays.sort(hashes);
    for (int i = 1; i < hashes.length; i++) {
      if (hashes[i] == hashes[i - 1]) {
        members.sort(ORDER);
        return;
      }
    }
    Ranked[] byRank = new Ranked[hashes.length];
    for (Ranked m : members) {
      byRank[Arrays.binarySearch(hashes, m.hash())] = m;
    }
    for (int i = 0; i < byRank.length; i++) {
      members.set(i, byRank[i]);
    }
  }

  private static List<String> splitsIn(Map<String, Double> ratios) {
    return Splits.ALL.stream().filter(s -> ratios.getOrDefault(s, 0.0) > 0).toList();
  }

  /** The running sums of the ratios in split order, added in the same order as {@link SplitAssigner} adds them. */
  private static double[] cumulative(List<String> order, Map<String, Double> ratios) {
    double[] out = new double[order.size()];
    double sum = 0;
    for (int i = 0; i < order.size(); i++) {
      sum += ratios.get(order.get(i));
      out[i] = sum;
    }
    return out;
  }

  private static String splitAt(double p, List<String> order, double[] cumulative) {
    for (int i = 0; i < order.size(); i++) {
      if (i == order.size() - 1 || p < cumulative[i]) {
        return order.get(i);
      }
    }
    return Splits.TRAIN;
  }

  /** The split for rank fraction {@code p}, as {@link SplitAssigner} computes it in SQL. */
  static String splitAt(double p, Map<String, Double> ratios) {
    List<String> order = splitsIn(ratios);
    return splitAt(p, order, cumulative(order, ratios));
  }
}
