package org.ferspark.evaluation.metrics;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A few scored faces per (true class, correct or not) for the report's gallery: in each cell the {@code perCell}
 * faces with the smallest 64-bit hash of their id. The choice depends only on the ids, never on the order the
 * examples arrive in or how they are partitioned, so Spark and a single pass keep the same faces, and merging is
 * taking the smallest hashes of both sides.
 */
public final class SampleReservoir implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Comparator<Entry> ORDER = Comparator.<Entry>comparingLong(e -> e.key)
      .thenComparing(e -> e.id);

  private int classes;
  private int perCell;
  private int side;
  private ArrayList<Entry>[] cells;

  /**
   * @param perCell faces kept per (true class, correct/incorrect)
   * @param side image side of the faces (48)
   */
  @SuppressWarnings("unchecked")
  public SampleReservoir(int classes, int perCell, int side) {
    if (classes < 1 || perCell < 0 || side < 1) {
      throw new IllegalArgumentException("classes " + classes + ", perCell " + perCell + ", side " + side);
    }
    this.classes = classes;
    this.perCell = perCell;
    this.side = side;
    this.cells = new ArrayList[classes * 2];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = new ArrayList<>();
    }
  }

  /** Offers one scored face; the pixels are kept (not copied) only if it makes the cut. */
  public void offer(String id, byte[] pixels, int trueLabel, int predicted, double confidence) {
    if (perCell == 0) {
      return;
    }
    ArrayList<Entry> cell = cells[trueLabel * 2 + (trueLabel == predicted ? 0 : 1)];
    long key = hash(id);
    if (cell.size() == perCell) {
      Entry last = cell.get(cell.size() - 1);
      if (key > last.key || (key == last.key && id.compareTo(last.id) >= 0)) {
        return;
      }
    }
    insert(cell, new Entry(id, pixels, trueLabel, predicted, confidence, key));
  }

  /** Keeps the smallest hashes of both; returns this. */
  public SampleReservoir merge(SampleReservoir other) {
    if (other.classes != classes || other.perCell != perCell) {
      throw new IllegalArgumentException("cannot merge reservoirs of different shapes");
    }
    for (int i = 0; i < cells.length; i++) {
      for (Entry e : other.cells[i]) {
        if (cells[i].stream().noneMatch(x -> x.id.equals(e.id))) {
          insert(cells[i], e);
        }
      }
    }
    return this;
  }

  /** The kept faces: per true class, the correct ones, then the misclassified ones, each by hash. */
  public List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    for (ArrayList<Entry> cell : cells) {
      for (Entry e : cell) {
        out.add(new Sample(e.id, e.pixels, side, e.trueLabel, e.predicted, e.confidence));
      }
    }
    return out;
  }

  private void insert(ArrayList<Entry> cell, Entry e) {
    int at = 0;
    while (at < cell.size() && ORDER.compare(cell.get(at), e) < 0) {
      at++;
    }
    cell.add(at, e);
    while (cell.size() > perCell) {
      cell.remove(cell.size() - 1);
    }
  }

  /** FNV-1a over the id's UTF-8 bytes, then MurmurHash3's 64-bit finaliser (so similar ids spread out). */
  public static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** One kept face (a plain class, not a record: Kryo cannot rebuild records). */
  static final class Entry implements Serializable {
    private static final long serialVersionUID = 1L;
    String id;
    byte[] pixels;
    int trueLabel;
    int predicted;
    double confidence;
    long key;

    Entry(String id, byte[] pixels, int trueLabel, int predicted, double confidence, long key) {
      this.id = id;
      this.pixels = pixels;
      this.trueLabel = trueLabel;
      this.predicted = predicted;
      this.confidence = confidence;
      this.key = key;
    }
  }
}
