package org.ferspark.jobs.video;

import java.util.List;

/** The status of one input video in {@code videos/} and the manifest. */
public final class VideoStatus {
  /** Read to its end; at least one face. */
  public static final String OK = "ok";
  /** FFmpeg cannot read it as a video: empty, not a media file, no video stream (audio only), frames too large. */
  public static final String UNREADABLE = "unreadable";
  /** Its frames end (or stop decoding) before the length it declares; {@code detail} says where. */
  public static final String TRUNCATED = "truncated";
  /** Read to its end, but no face was found. */
  public static final String NO_FACES = "no-faces";
  /** Every status, in report order. */
  public static final List<String> ALL = List.of(OK, UNREADABLE, TRUNCATED, NO_FACES);

  private VideoStatus() {
  }
}
