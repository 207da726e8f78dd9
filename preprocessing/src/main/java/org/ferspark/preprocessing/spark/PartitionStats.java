package org.ferspark.preprocessing.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.Platform;
import org.ferspark.preprocessing.dataset.Outcome;

/**
 * What one processing partition did, counted while its rows stream into the Parquet writer: inputs and their
 * fingerprint, tensors per split and class, rejects per reason, the files it wrote, and a 96-bit digest
 * of each original's pixels per split (for the cross-split duplicate check). One partition's stats travel to the
 * driver once, in {@link RunStats}.
 */
final class PartitionStats implements Serializable {
  private static final long serialVersionUID = 1L;

  final int partition;
  long inputs;
  /** XOR of the inputs' {@code fp} column: order-free, so the same for any partitioning. */
  long fingerprint;
  /** {@code split/label} → {originals, augmented copies}. */
  final Map<String, long[]> tensors = new TreeMap<>();
  final Map<String, Long> rejected = new TreeMap<>();
  /** The rejects file this task attempt wrote, or null when the partition had no rejects. */
  String rejectsFile;
  /** split → the tensor file this task attempt wrote. */
  final Map<String, String> tensorFiles = new TreeMap<>();
  /** split → digests of the originals' pixels. */
  final Map<String, Digests> originals = new TreeMap<>();

  private transient String lastSplit;
  private transient int lastLabel = -1;
  private transient long[] lastCounters;

  PartitionStats(int partition) {
    this.partition = partition;
  }

  void input(long fp) {
    inputs++;
    fingerprint ^= fp;
  }

  void tensor(Outcome o, String labelName) {
    long[] n = counters(o.split(), o.label(), labelName);
    n[o.copy() == 0 ? 0 : 1]++;
    if (o.copy() == 0) {
      originals.computeIfAbsent(o.split(), s -> new Digests()).add(o.pixels());
    }
  }

  /** The counters of a split and label, found without building the map key for every tensor. */
  private long[] counters(String split, int label, String labelName) {
    if (label != lastLabel || !split.equals(lastSplit)) {
      lastSplit = split;
      lastLabel = label;
      lastCounters = tensors.computeIfAbsent(split + "/" + labelName, k -> new long[2]);
    }
    return lastCounters;
  }

  void reject(String reason) {
    rejected.merge(reason, 1L, Long::sum);
  }

  /** Growable arrays of 96-bit pixel digests: XXH64 and CRC32C (a CPU instruction), in two longs. */
  static final class Digests implements Serializable {
    private static final long serialVersionUID = 1L;
    long[] hi = new long[16];
    long[] lo = new long[16];
    int size;

    void add(byte[] pixels) {
      if (size == hi.length) {
        hi = Arrays.copyOf(hi, size * 2);
        lo = Arrays.copyOf(lo, size * 2);
      }
      hi[size] = XXH64.hashUnsafeBytes(pixels, Platform.BYTE_ARRAY_OFFSET, pixels.length, 42L);
      CRC32C crc = new CRC32C();
      crc.update(pixels);
      lo[size] = crc.getValue() << 32 | pixels.length;
      size++;
    }
  }
}
