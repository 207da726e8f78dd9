package org.ferspark.preprocessing.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts distinct images (by a 96-bit digest of their pixels, so a false match among a million images has a chance
 * of about 1e-17) that are originals in more than one split: the manifest's {@code crossSplitDuplicates}. Works on the
 * digests the partitions collected, on the driver: 16 bytes per original.
 */
final class CrossSplitDuplicates {
  private CrossSplitDuplicates() {}

  private record Digest(long hi, long lo) implements Comparable<Digest> {
    @Override
    public int compareTo(Digest o) {
      int c = Long.compare(hi, o.hi);
      return c != 0 ? c : Long.compare(lo, o.lo);
    }
  }

  static long count(Collection<PartitionStats> partitions) {
    Map<String, List<PartitionStats.Digests>> bySplit = new TreeMap<>();
    for (PartitionStats p : partitions) {
      p.originals.forEach((split, d) -> bySplit.computeIfAbsent(split, s -> new ArrayList<>()).add(d));
    }
    if (bySplit.size() < 2) {
      return 0;
    }
    List<Digest> all = new ArrayList<>();
    for (List<PartitionStats.Digests> lists : bySplit.values()) {
      all.addAll(distinct(lists));
    }
    Digest[] sorted = all.toArray(Digest[]::new);
    Arrays.sort(sorted);
    long duplicates = 0;
    for (int i = 1; i < sorted.length; i++) {
      // each split's digests are distinct, so equal neighbours come from different splits
      if (sorted[i].equals(sorted[i - 1]) && (i == 1 || !sorted[i - 1].equals(sorted[i - 2]))) {
        duplicates++;
      }
    }
    return duplicates;
  }

  private static List<Digest> distinct(List<PartitionStats.Digests> lists) {
    List<Digest> out = new ArrayList<>();
    for (PartitionStats.Digests d : lists) {
      for (int i = 0; i < d.size; i++) {
        out.add(new Digest(d.hi[i], d.lo[i]));
      }
    }
    Digest[] sorted = out.toArray(Digest[]::new);
    Arrays.sort(sorted);
    List<Digest> unique = new ArrayList<>(sorted.length);
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || !sorted[i].equals(sorted[i - 1])) {
        unique.add(sorted[i]);
      }
    }
    return unique;
  }
}
