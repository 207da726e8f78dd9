package org.ferspark.jobs.video;

import java.util.ArrayList;
import java.util.List;

/**
 * One time range of one video, analysed by one Spark task: frames with presentation time in
 * {@code [start, end)}, after a pre-roll from {@code decodeFrom} that rebuilds tracks and smoothing (its frames are
 * analysed and marked, and also analysed, unmarked, by the previous range: they are where tracks are joined).
 */
public final class RangeTask implements java.io.Serializable {
  public String video;
  public int range;
  public double decodeFrom;
  public double start;
  /** Exclusive end; {@code Double.MAX_VALUE} for the last range (to the end of the file). */
  public double end;
  public double frameRate;
  public double sampleFps;
  public double declaredSeconds;
  /** The frame size the container declares (a frame of another size is a size change). */
  public int width;
  public int height;

  /**
   * The ranges of a video of {@code duration} seconds (0: unknown, one range), {@code rangeSeconds} long, each but
   * the first decoding {@code prerollFrames} analysed frames before its start.
   */
  public static List<RangeTask> plan(String video, double duration, double frameRate, double sampleFps,
      double rangeSeconds, int prerollFrames) {
    return plan(video, duration, frameRate, sampleFps, rangeSeconds, prerollFrames, 0, 0);
  }

  /** As above, for a video declaring frames of {@code width × height}. */
  public static List<RangeTask> plan(String video, double duration, double frameRate, double sampleFps,
      double rangeSeconds, int prerollFrames, int width, int height) {
    Sampling s = new Sampling(frameRate, sampleFps);
    double preroll = prerollFrames / s.effectiveFps();
    int n = duration > 0 ? Math.max(1, (int) Math.ceil(duration / rangeSeconds - 1e-9)) : 1;
    List<RangeTask> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      RangeTask t = new RangeTask();
      t.video = video;
      t.range = r;
      t.start = r * rangeSeconds;
      t.end = r == n - 1 ? Double.MAX_VALUE : (r + 1) * rangeSeconds;
      t.decodeFrom = Math.max(0, t.start - preroll);
      t.frameRate = frameRate;
      t.sampleFps = sampleFps;
      t.declaredSeconds = duration;
      t.width = width;
      t.height = height;
      out.add(t);
    }
    return out;
  }
}
