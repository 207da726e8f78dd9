package org.ferspark.jobs.video;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ferspark.evaluation.report.EmotionTimeline;

/**
 * A video's emotion timeline from counts of smoothed labels per (track, time bin): per track and for all faces,
 * the share of each class among the track's analysed frames in each bin. Tracks beyond the {@code maxTracks} seen
 * longest are left out of the per-track panels (never out of "all faces").
 */
public final class Timeline {
  /** Frames of {@code track} in time bin {@code bin} whose smoothed label is {@code label}. */
  public record Count(int track, long bin, int label, long frames) {
  }

  private final String video;
  private final List<String> classes;
  private final double binSeconds;
  private final long bins;
  private final Map<Integer, double[][]> tracks = new TreeMap<>();
  private final double[][] all;
  private final Map<Integer, Long> trackFrames = new TreeMap<>();

  public Timeline(String video, List<String> classes, double binSeconds, double durationSeconds, List<Count> counts) {
    this.video = video;
    this.classes = classes;
    this.binSeconds = binSeconds;
    long maxBin = counts.stream().mapToLong(Count::bin).max().orElse(0);
    this.bins = Math.max(maxBin + 1, (long) Math.ceil(durationSeconds / binSeconds));
    this.all = new double[(int) bins][classes.size()];
    for (Count c : counts) {
      tracks.computeIfAbsent(c.track(), k -> new double[(int) bins][classes.size()])[(int) c.bin()][c.label()] +=
          c.frames();
      all[(int) c.bin()][c.label()] += c.frames();
      trackFrames.merge(c.track(), c.frames(), Long::sum);
    }
  }

  /** The bin length for a video of {@code duration} seconds: about {@code target} bins, at least 1 s. */
  public static double binSeconds(double duration, int target) {
    return Math.max(1.0, Math.ceil(duration / Math.max(1, target)));
  }

  /** Counts to shares per bin (a bin without frames stays all zero). */
  static double[][] shares(double[][] counts) {
    double[][] out = new double[counts.length][];
    for (int b = 0; b < counts.length; b++) {
      double total = 0;
      for (double v : counts[b]) {
        total += v;
      }
      out[b] = new double[counts[b].length];
      for (int c = 0; c < counts[b].length && total > 0; c++) {
        out[b][c] = counts[b][c] / total;
      }
    }
    return out;
  }

  /** {@code {"video", "binSeconds", "classes", "all": [...], "tracks": [{"track", "frames", "bins": [...]}]}}. */
  public Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("video", video);
    out.put("binSeconds", binSeconds);
    out.put("classes", classes);
    out.put("all", bins(all));
    List<Map<String, Object>> perTrack = new ArrayList<>();
    tracks.forEach((id, counts) -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("track", id);
      t.put("frames", trackFrames.get(id));
      t.put("bins", bins(counts));
      perTrack.add(t);
    });
    out.put("tracks", perTrack);
    return out;
  }

  private List<Map<String, Object>> bins(double[][] counts) {
    double[][] shares = shares(counts);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int b = 0; b < counts.length; b++) {
      long frames = 0;
      for (double v : counts[b]) {
        frames += (long) v;
      }
      if (frames == 0) {
        continue;
      }
      Map<String, Object> bin = new LinkedHashMap<>();
      bin.put("start", b * binSeconds);
      bin.put("frames", frames);
      Map<String, Double> share = new LinkedHashMap<>();
      for (int c = 0; c < classes.size(); c++) {
        share.put(classes.get(c), Math.round(shares[b][c] * 1e4) / 1e4);
      }
      bin.put("shares", share);
      out.add(bin);
    }
    return out;
  }

  /** The chart: all faces, then the {@code maxTracks} tracks seen in the most frames, by id. */
  public java.awt.image.BufferedImage png(int maxTracks) {
    List<EmotionTimeline.Panel> panels = new ArrayList<>();
    panels.add(new EmotionTimeline.Panel("all faces", shares(all)));
    trackFrames.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(maxTracks)
        .map(Map.Entry::getKey).sorted().forEach(id -> panels.add(new EmotionTimeline.Panel("track " + id,
            shares(tracks.get(id)))));
    return EmotionTimeline.render(video, classes, binSeconds, panels);
  }
}
