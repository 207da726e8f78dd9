package org.ferspark.realtime.app;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Per-frame durations of each stage, summarised as p50 and p95 in milliseconds. */
public final class Latency {
  /** The stages of one frame, in loop order; {@code frame} is their sum. */
  public enum Stage { GRAB, DETECT, PREPROCESS, CLASSIFY, DRAW, OUTPUT, FRAME }

  private final long[][] nanos = new long[Stage.values().length][];
  private int count;

  public Latency() {
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = new long[256];
    }
  }

  /** Records one frame: the durations of GRAB..OUTPUT in nanoseconds (FRAME is computed). */
  public void add(long grab, long detect, long preprocess, long classify, long draw, long output) {
    if (count == nanos[0].length) {
      for (int i = 0; i < nanos.length; i++) {
        nanos[i] = Arrays.copyOf(nanos[i], count * 2);
      }
    }
    long[] v = {grab, detect, preprocess, classify, draw, output, grab + detect + preprocess + classify + draw + output};
    for (int i = 0; i < v.length; i++) {
      nanos[i][count] = v[i];
    }
    count++;
  }

  public int frames() {
    return count;
  }

  /** The {@code q}-quantile (nearest rank) of a stage in milliseconds; 0 with no frames. */
  public double quantileMs(Stage stage, double q) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(nanos[stage.ordinal()], count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
  }

  /** Stage name → {p50, p95} in ms, rounded to 0.01. */
  public Map<String, double[]> summary() {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      out.put(s.name().toLowerCase(Locale.ROOT), new double[] {round(quantileMs(s, 0.5)), round(quantileMs(s, 0.95))});
    }
    return out;
  }

  /** A small console table of a {@link #summary()}. */
  public static String tableOf(Map<String, double[]> summary) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-11s %8s %8s%n", "stage (ms)", "p50", "p95"));
    summary.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-11s %8.2f %8.2f%n", k, v[0], v[1])));
    return sb.toString();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
