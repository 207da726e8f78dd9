package org.ferspark.realtime.track;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Gives each face an id that survives from frame to frame: detections are matched to the existing tracks greedily
 * by intersection-over-union (best pair first, each track and detection used once, pairs below {@code minIou}
 * never matched). An unmatched detection starts a new track with a new id; a track unmatched for more than
 * {@code maxMissed} consecutive frames is dropped, and its id is never reused.
 */
public final class IouTracker {
  /** A face being tracked: its id, last matched box and how many frames in a row it has not been matched. */
  public record Track(int id, FaceBox box, int missed) {
  }

  private final double minIou;
  private final int maxMissed;
  private final List<Track> tracks = new ArrayList<>();
  private int nextId = 1;

  public IouTracker(double minIou, int maxMissed) {
    if (minIou <= 0 || minIou > 1 || maxMissed < 0) {
      throw new IllegalArgumentException("need 0 < minIou <= 1 and maxMissed >= 0, got " + minIou + ", " + maxMissed);
    }
    this.minIou = minIou;
    this.maxMissed = maxMissed;
  }

  /**
   * Matches one frame's detections.
   *
   * @return one track per detection, in detection order, each with this frame's box and {@code missed == 0}
   */
  public List<Track> update(List<FaceBox> detections) {
    int n = tracks.size();
    int m = detections.size();
    List<double[]> pairs = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      for (int d = 0; d < m; d++) {
        double iou = iou(tracks.get(t).box(), detections.get(d));
        if (iou >= minIou) {
          pairs.add(new double[] {iou, t, d});
        }
      }
    }
    pairs.sort((a, b) -> Double.compare(b[0], a[0]));
    int[] trackOf = new int[m];
    Arrays.fill(trackOf, -1);
    boolean[] trackUsed = new boolean[n];
    for (double[] p : pairs) {
      int t = (int) p[1];
      int d = (int) p[2];
      if (!trackUsed[t] && trackOf[d] < 0) {
        trackUsed[t] = true;
        trackOf[d] = t;
      }
    }
    Track[] result = new Track[m];
    for (int d = 0; d < m; d++) {
      result[d] = trackOf[d] >= 0 ? new Track(tracks.get(trackOf[d]).id(), detections.get(d), 0)
          : new Track(nextId++, detections.get(d), 0);
    }
    List<Track> next = new ArrayList<>(List.of(result));
    for (int t = 0; t < n; t++) {
      Track old = tracks.get(t);
      if (!trackUsed[t] && old.missed() < maxMissed) {
        next.add(new Track(old.id(), old.box(), old.missed() + 1));
      }
    }
    tracks.clear();
    tracks.addAll(next);
    return List.of(result);
  }

  /** Every live track, matched this frame or missed for at most {@code maxMissed} frames. */
  public List<Track> tracks() {
    return List.copyOf(tracks);
  }

  /** Forgets all tracks (ids keep counting up). */
  public void clear() {
    tracks.clear();
  }

  /** Intersection over union of two boxes; 0 when either is empty. */
  public static double iou(FaceBox a, FaceBox b) {
    long ix = Math.max(0, (long) Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
    long iy = Math.max(0, (long) Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
    long inter = ix * iy;
    long union = (long) a.width() * a.height() + (long) b.width() * b.height() - inter;
    return union <= 0 || a.isEmpty() || b.isEmpty() ? 0 : (double) inter / union;
  }

  /** Drops boxes that overlap an earlier kept box by IoU {@code >= maxIou} (order = priority). */
  public static List<FaceBox> dedupe(List<FaceBox> boxes, double maxIou) {
    return dedupe(boxes, b -> b, maxIou);
  }

  /** Drops items whose box overlaps an earlier kept item's box by IoU {@code >= maxIou} (order = priority). */
  public static <T> List<T> dedupe(List<T> items, Function<T, FaceBox> box, double maxIou) {
    List<T> kept = new ArrayList<>();
    for (T item : items) {
      if (kept.stream().noneMatch(k -> iou(box.apply(k), box.apply(item)) >= maxIou)) {
        kept.add(item);
      }
    }
    return kept;
  }
}
