package org.ferspark.jobs.video;

/**
 * Which frames of a video are analysed at {@code fps} frames per second: with frame index {@code i} (presentation
 * time × the declared frame rate), frame {@code i} is sample {@code floor(i · fps / rate)} and is analysed when it
 * is the first frame of its sample. A function of the index alone, so every range of a video, wherever it starts
 * decoding, picks the same frames. {@code fps} 0, or at least the video's rate, analyses every frame.
 */
public record Sampling(double rate, double fps) {
  private static final double EPS = 1e-9;

  public Sampling {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("frame rate must be positive, got " + rate);
    }
  }

  /** Whether every frame is analysed. */
  public boolean all() {
    return fps <= 0 || fps >= rate;
  }

  /** The frame index of a presentation time. */
  public long index(double seconds) {
    return Math.round(seconds * rate);
  }

  /** The sample number of frame {@code index} (the frame index itself when every frame is analysed). */
  public long sample(long index) {
    return all() ? index : (long) Math.floor(index * fps / rate + EPS);
  }

  /** Whether frame {@code index} is analysed. */
  public boolean sampled(long index) {
    return all() || index == 0 || sample(index) != sample(index - 1);
  }

  /** Analysed frames per second. */
  public double effectiveFps() {
    return all() ? rate : fps;
  }
}
