package org.ferspark.jobs.video;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Opens one video and reads what its container declares (length, frame rate, frame size), or the reason it cannot be
 * read. Never throws for a bad file: every input gets an answer.
 */
public final class VideoProbe {
  private VideoProbe() {
  }

  /** What the probe found; {@code status} is {@link VideoStatus#OK} or {@link VideoStatus#UNREADABLE}. */
  public static final class Info implements java.io.Serializable {
    public String video;
    public String status;
    public String detail;
    public long bytes;
    /** Declared length in seconds, 0 when unknown. */
    public double durationSeconds;
    /** Declared frame rate, 0 when unknown. */
    public double frameRate;
    public int width;
    public int height;
    public long declaredFrames;

    static Info unreadable(String video, long bytes, String why) {
      Info i = new Info();
      i.video = video;
      i.status = VideoStatus.UNREADABLE;
      i.detail = why;
      i.bytes = bytes;
      return i;
    }
  }

  /** Probes {@code video}; frames with more than {@code maxPixels} pixels make it unreadable. */
  public static Info probe(String video, Configuration conf, long maxPixels) {
    VideoInput input;
    try {
      input = VideoInput.open(video, conf);
    } catch (FileNotFoundException e) {
      return Info.unreadable(video, 0, "file-not-found");
    } catch (IOException | RuntimeException e) {
      return Info.unreadable(video, 0, "cannot open: " + e.getMessage());
    }
    try (input) {
      if (input.length() == 0) {
        return Info.unreadable(video, 0, "empty file");
      }
      FFmpegFrameGrabber g = input.grabber();
      try {
        g.start();
      } catch (FrameGrabber.Exception | RuntimeException e) {
        return Info.unreadable(video, input.length(), "FFmpeg cannot read it as a video (" + e.getMessage() + ")");
      }
      if (!g.hasVideo() || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
        return Info.unreadable(video, input.length(), g.hasAudio() ? "no video stream (audio only)"
            : "no video stream");
      }
      long pixels = (long) g.getImageWidth() * g.getImageHeight();
      if (pixels > maxPixels) {
        return Info.unreadable(video, input.length(), String.format(Locale.ROOT,
            "frames of %dx%d = %d pixels > fer.image.max-pixels %d", g.getImageWidth(), g.getImageHeight(), pixels,
            maxPixels));
      }
      Info i = new Info();
      i.video = video;
      i.status = VideoStatus.OK;
      i.bytes = input.length();
      i.durationSeconds = Math.max(0, g.getLengthInTime()) / 1e6;
      double fps = g.getFrameRate();
      i.frameRate = fps > 0 && fps < 1000 ? fps : 0;
      i.width = g.getImageWidth();
      i.height = g.getImageHeight();
      i.declaredFrames = Math.max(0, g.getLengthInFrames());
      return i;
    }
  }
}
