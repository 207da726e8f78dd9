package org.ferspark.evaluation.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * The failure gallery's faces for one model: per true class, the {@code perClass} misclassified faces with the
 * highest confidence in their wrong class (ties by id), so the report shows the mistakes the model is surest of.
 * Which faces are kept depends only on the faces, never on their order or partitioning; merging keeps the best of
 * both sides.
 *
 * <p>Plain mutable fields and arrays (no records), so Spark's Kryo and Java serialisation both carry it.
 */
public final class FailureReservoir implements Serializable {
  private static final long serialVersionUID = 1L;
  private int perClass;
  private int side;
  private ArrayList<Entry>[] cells;

  @SuppressWarnings("unchecked")
  public FailureReservoir(int classes, int perClass, int side) {
    if (classes < 1 || perClass < 0 || side < 1) {
      throw new IllegalArgumentException("classes " + classes + ", perClass " + perClass + ", side " + side);
    }
    this.perClass = perClass;
    this.side = side;
    this.cells = new ArrayList[classes];
    for (int i = 0; i < classes; i++) {
      cells[i] = new ArrayList<>();
    }
  }

  /** Offers one scored face; only misclassified ones compete, and their pixels are kept (not copied) if they win. */
  public void offer(String id, String source, FaceBox box, byte[] pixels, int trueLabel, int predicted,
      double confidence) {
    if (perClass == 0 || predicted == trueLabel) {
      return;
    }
    ArrayList<Entry> cell = cells[trueLabel];
    if (cell.size() == perClass && !before(confidence, id, cell.get(cell.size() - 1))) {
      return;
    }
    insert(cell, new Entry(id, source, box, pixels, trueLabel, predicted, confidence));
  }

  /** Keeps the most confident of both; returns this. */
  public FailureReservoir merge(FailureReservoir other) {
    if (other.cells.length != cells.length || other.perClass != perClass) {
      throw new IllegalArgumentException("cannot merge failure reservoirs of different shapes");
    }
    for (int c = 0; c < cells.length; c++) {
      for (Entry e : other.cells[c]) {
        if (cells[c].stream().noneMatch(x -> x.id.equals(e.id))) {
          insert(cells[c], e);
        }
      }
    }
    return this;
  }

  /** The kept faces: by true class, then most confident first. */
  public List<Failure> failures() {
    List<Failure> out = new ArrayList<>();
    for (ArrayList<Entry> cell : cells) {
      for (Entry e : cell) {
        FaceBox box = e.boxWidth < 0 ? null : new FaceBox(e.boxX, e.boxY, e.boxWidth, e.boxHeight);
        out.add(new Failure(e.id, e.source, box, e.pixels, side, e.trueLabel, e.predicted, e.confidence));
      }
    }
    return out;
  }

  private static boolean before(double confidence, String id, Entry e) {
    return confidence > e.confidence || (confidence == e.confidence && id.compareTo(e.id) < 0);
  }

  private void insert(ArrayList<Entry> cell, Entry e) {
    int at = 0;
    while (at < cell.size() && !before(e.confidence, e.id, cell.get(at))) {
      at++;
    }
    cell.add(at, e);
    while (cell.size() > perClass) {
      cell.remove(cell.size() - 1);
    }
  }

  /** One kept face (a plain class: Kryo cannot rebuild records; the box as four ints, width -1 for none). */
  static final class Entry implements Serializable {
    private static final long serialVersionUID = 1L;
    String id;
    String source;
    int boxX;
    int boxY;
    int boxWidth;
    int boxHeight;
    byte[] pixels;
    int trueLabel;
    int predicted;
    double confidence;

    Entry(String id, String source, FaceBox box, byte[] pixels, int trueLabel, int predicted, double confidence) {
      this.id = id;
      this.source = source;
      this.boxX = box == null ? 0 : box.x();
      this.boxY = box == null ? 0 : box.y();
      this.boxWidth = box == null ? -1 : box.width();
      this.boxHeight = box == null ? -1 : box.height();
      this.pixels = pixels;
      this.trueLabel = trueLabel;
      this.predicted = predicted;
      this.confidence = confidence;
    }
  }
}
