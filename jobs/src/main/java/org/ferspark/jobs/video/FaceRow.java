package org.ferspark.jobs.video;

/** One face in one analysed frame, as a range reports it (track ids local to the range until joined). */
public final class FaceRow implements java.io.Serializable {
  public long frame;
  public double seconds;
  public int track;
  public int x;
  public int y;
  public int width;
  public int height;
  public float score;
  public float[] probabilities;
  public float[] smoothed;
  public int label;
  /** Analysed only to rebuild tracks and smoothing: the previous range reports this frame. */
  public boolean preroll;
}
