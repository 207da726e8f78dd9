package org.ferspark.jobs.video;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.track.IouTracker;

/**
 * Joins the range-local track ids of one video into video-wide ids. Range {@code r}'s pre-roll frames are also
 * frames of range {@code r − 1}: a track of {@code r} continues the track of {@code r − 1} whose boxes it overlaps
 * (IoU ≥ {@code minIou}) on the most of those shared frames (best pairs first, one to one); every other track gets a
 * new id. Ids count from 1 in order of first appearance.
 */
public final class TrackJoiner {
  /** A face of the shared frames: range, frame index, local track, box, and whether it is pre-roll. */
  public record Seen(int range, long frame, int track, FaceBox box, boolean preroll) {
  }

  private final double minIou;

  public TrackJoiner(double minIou) {
    this.minIou = minIou;
  }

  /**
   * The video-wide id of each (range, local track).
   *
   * @param firstSeen per range, its local tracks in order of first appearance outside the pre-roll
   * @param shared the faces of the shared frames: pre-roll faces of each range and the same frames of the previous
   */
  public Map<Long, Integer> join(Map<Integer, List<Integer>> firstSeen, List<Seen> shared) {
    Map<Long, Integer> global = new HashMap<>();
    int next = 1;
    List<Integer> ranges = new ArrayList<>(firstSeen.keySet());
    ranges.sort(null);
    for (int r : ranges) {
      if (r > 0) {
        for (long[] pair : matches(r, shared)) {
          Integer id = global.get(key(r - 1, (int) pair[0]));
          if (id != null) {
            global.put(key(r, (int) pair[1]), id);
          }
        }
      }
      for (int local : firstSeen.get(r)) {
        if (!global.containsKey(key(r, local))) {
          global.put(key(r, local), next++);
        }
      }
    }
    return global;
  }

  /** (previous-range track, this-range track) pairs, best first, one to one. */
  private List<long[]> matches(int r, List<Seen> shared) {
    Map<Long, List<Seen>> before = new HashMap<>();
    Map<Long, List<Seen>> after = new HashMap<>();
    for (Seen s : shared) {
      if (s.range() == r - 1 && !s.preroll()) {
        before.computeIfAbsent(s.frame(), k -> new ArrayList<>()).add(s);
      } else if (s.range() == r && s.preroll()) {
        after.computeIfAbsent(s.frame(), k -> new ArrayList<>()).add(s);
      }
    }
    Map<List<Integer>, double[]> votes = new LinkedHashMap<>();
    for (Map.Entry<Long, List<Seen>> e : after.entrySet()) {
      for (Seen b : e.getValue()) {
        for (Seen a : before.getOrDefault(e.getKey(), List.of())) {
          double iou = IouTracker.iou(a.box(), b.box());
          if (iou >= minIou) {
            double[] v = votes.computeIfAbsent(List.of(a.track(), b.track()), k -> new double[2]);
            v[0]++;
            v[1] += iou;
          }
        }
      }
    }
    List<Map.Entry<List<Integer>, double[]>> ranked = new ArrayList<>(votes.entrySet());
    ranked.sort((x, y) -> x.getValue()[0] != y.getValue()[0] ? Double.compare(y.getValue()[0], x.getValue()[0])
        : Double.compare(y.getValue()[1], x.getValue()[1]));
    List<long[]> out = new ArrayList<>();
    Set<Integer> usedA = new HashSet<>();
    Set<Integer> usedB = new HashSet<>();
    for (Map.Entry<List<Integer>, double[]> e : ranked) {
      int a = e.getKey().get(0);
      int b = e.getKey().get(1);
      if (!usedA.contains(a) && !usedB.contains(b)) {
        usedA.add(a);
        usedB.add(b);
        out.add(new long[] {a, b});
      }
    }
    return out;
  }

  /** One key for (range, local track). */
  public static long key(int range, int track) {
    return ((long) range << 32) | (track & 0xffffffffL);
  }
}
