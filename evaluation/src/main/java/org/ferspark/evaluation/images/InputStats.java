package org.ferspark.evaluation.images;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ferspark.evaluation.metrics.SampleReservoir;

/**
 * The mergeable counts of a photo folder's inputs: one status per input ({@link FaceStatus}), the reason codes of
 * the unreadable ones, a few examples per status (the smallest id hashes, so independent of partitioning), and what
 * the detector did: images searched, faces it found per image, images taken whole as face crops, and the sides of
 * the faces scored. What a Spark partition returns beside the metrics; {@link #summary} on the driver.
 *
 * <p>Plain mutable fields, arrays and {@link HashMap}s (no records), so Spark's Kryo and Java serialisation both
 * carry it.
 */
public final class InputStats implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Lower edges of the face-side histogram in pixels; the last bin is open. */
  static final int[] SIDE_EDGES = {0, 32, 48, 64, 96, 128, 192, 256, 384};

  private long[] status = new long[FaceStatus.values().length];
  private HashMap<String, Long> reasons = new HashMap<>();
  private ArrayList<Example>[] examples;
  private int examplesPerStatus;
  private long searched;
  private long whole;
  private long[] found = new long[4];
  private long largestOfSeveral;
  private long[] sides = new long[SIDE_EDGES.length];
  private long sideMin = Long.MAX_VALUE;
  private long sideMax;
  private long sideSum;

  @SuppressWarnings("unchecked")
  public InputStats(int examplesPerStatus) {
    this.examplesPerStatus = examplesPerStatus;
    this.examples = new ArrayList[FaceStatus.values().length];
    for (int i = 0; i < examples.length; i++) {
      examples[i] = new ArrayList<>();
    }
  }

  /** Counts one input; {@code reason} is the reason code of an unreadable one, else null. */
  public void count(FaceStatus s, String reason, String id, String source, String detail) {
    status[s.ordinal()]++;
    if (s == FaceStatus.UNREADABLE) {
      reasons.merge(reason == null ? "unknown" : reason, 1L, Long::sum);
    }
    if (s != FaceStatus.OK) {
      offer(examples[s.ordinal()], new Example(id, source, reason == null ? detail : reason + ": " + detail));
    }
  }

  /** Counts one photo by its outcome: its status, and what the detector found. */
  public void count(FaceLocator.Located located, String id, String source) {
    count(located.status(), located.reason(), id, source, located.detail());
    if (located.facesFound() >= 0) {
      searched(located.facesFound());
    } else if (located.status() == FaceStatus.OK || located.status() == FaceStatus.FACE_TOO_SMALL) {
      takenWhole();
    }
    if (located.status() == FaceStatus.OK) {
      scoredSide(located.side());
      if (located.severalFaces()) {
        largestOfSeveral();
      }
    }
  }

  /** The detector ran on one image and found {@code faces} faces of at least its minimum size. */
  public void searched(int faces) {
    searched++;
    found[Math.min(faces, found.length - 1)]++;
  }

  /** One image was taken whole as the face (small, or detection off). */
  public void takenWhole() {
    whole++;
  }

  /** An image had several large enough faces and its largest was scored. */
  public void largestOfSeveral() {
    largestOfSeveral++;
  }

  /** A scored face's side (the shorter side of its box or of the whole image). */
  public void scoredSide(int side) {
    int bin = 0;
    while (bin + 1 < SIDE_EDGES.length && side >= SIDE_EDGES[bin + 1]) {
      bin++;
    }
    sides[bin]++;
    sideMin = Math.min(sideMin, side);
    sideMax = Math.max(sideMax, side);
    sideSum += side;
  }

  /** Inputs counted so far. */
  public long inputs() {
    long n = 0;
    for (long c : status) {
      n += c;
    }
    return n;
  }

  public long count(FaceStatus s) {
    return status[s.ordinal()];
  }

  /** Adds {@code other} into this one; returns this. */
  public InputStats merge(InputStats other) {
    for (int i = 0; i < status.length; i++) {
      status[i] += other.status[i];
      for (Example e : other.examples[i]) {
        offer(examples[i], e);
      }
    }
    other.reasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
    searched += other.searched;
    whole += other.whole;
    for (int i = 0; i < found.length; i++) {
      found[i] += other.found[i];
    }
    largestOfSeveral += other.largestOfSeveral;
    for (int i = 0; i < sides.length; i++) {
      sides[i] += other.sides[i];
    }
    sideMin = Math.min(sideMin, other.sideMin);
    sideMax = Math.max(sideMax, other.sideMax);
    sideSum += other.sideSum;
    return this;
  }

  /** The summary the report and {@code metrics.json} show; {@code settings} describes how faces were found. */
  public InputSummary summary(Map<String, Object> settings) {
    Map<String, Long> byStatus = new LinkedHashMap<>();
    Map<String, List<InputSummary.Example>> shown = new LinkedHashMap<>();
    for (FaceStatus s : FaceStatus.values()) {
      byStatus.put(s.key(), status[s.ordinal()]);
      if (!examples[s.ordinal()].isEmpty()) {
        shown.put(s.key(), examples[s.ordinal()].stream()
            .map(e -> new InputSummary.Example(e.id, e.source, e.detail)).toList());
      }
    }
    Map<String, Long> facesFound = new LinkedHashMap<>();
    for (int i = 0; i < found.length; i++) {
      facesFound.put(i == found.length - 1 ? i + "+" : String.valueOf(i), found[i]);
    }
    List<InputSummary.SideBin> bins = new ArrayList<>();
    long scored = 0;
    for (int i = 0; i < sides.length; i++) {
      bins.add(new InputSummary.SideBin(SIDE_EDGES[i], i + 1 < SIDE_EDGES.length ? SIDE_EDGES[i + 1] : -1, sides[i]));
      scored += sides[i];
    }
    InputSummary.Detector detector = new InputSummary.Detector(searched, whole, facesFound, largestOfSeveral,
        scored == 0 ? -1 : sideMin, scored == 0 ? -1 : sideMax, scored == 0 ? Double.NaN : (double) sideSum / scored,
        bins);
    return new InputSummary(inputs(), byStatus, new TreeMap<>(reasons), shown, detector, settings);
  }

  private void offer(ArrayList<Example> cell, Example e) {
    if (examplesPerStatus == 0 || cell.stream().anyMatch(x -> x.id.equals(e.id))) {
      return;
    }
    int at = 0;
    while (at < cell.size() && (cell.get(at).key < e.key || (cell.get(at).key == e.key
        && cell.get(at).id.compareTo(e.id) < 0))) {
      at++;
    }
    if (at >= examplesPerStatus) {
      return;
    }
    cell.add(at, e);
    while (cell.size() > examplesPerStatus) {
      cell.remove(cell.size() - 1);
    }
  }

  /** One example input of a status (a plain class for Kryo). */
  static final class Example implements Serializable {
    private static final long serialVersionUID = 1L;
    String id;
    String source;
    String detail;
    long key;

    Example(String id, String source, String detail) {
      this.id = id;
      this.source = source;
      this.detail = detail;
      this.key = SampleReservoir.hash(id);
    }
  }
}
