package org.ferspark.realtime.overlay;

import org.ferspark.realtime.source.GrabbedFrame;

/** Where annotated frames go: a window, a video file or image files. */
public interface FrameSink extends AutoCloseable {

  /** Shows or writes the annotated frame; false when the user closed the window (stop the loop). */
  boolean accept(GrabbedFrame annotated);

  @Override
  void close();
}
