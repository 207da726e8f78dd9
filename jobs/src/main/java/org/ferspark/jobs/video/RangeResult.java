package org.ferspark.jobs.video;

import java.util.ArrayList;
import java.util.List;

/** What one range produced: its faces and how decoding went. */
public final class RangeResult implements java.io.Serializable {
  public String video;
  public int range;
  public double start;
  public double end;
  /** Frames analysed inside the range (pre-roll not counted). */
  public long frames;
  public final List<FaceRow> faces = new ArrayList<>();
  /** Presentation time of the last frame decoded, NaN if none. */
  public double lastSeconds = Double.NaN;
  /** Whether decoding ended at the end of the file before the range's end. */
  public boolean endOfFile;
  /** A decoding error that ended the range early (with its time), or null. */
  public String error;
  /**
   * Frame size changes seen while decoding the range (from the declared size, or the previous frame); the first as
   * "WxH -> WxH at T s".
   */
  public int sizeChanges;
  public String firstSizeChange;
  public double seconds;
}
