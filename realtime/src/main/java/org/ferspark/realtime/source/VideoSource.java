package org.ferspark.realtime.source;

import java.io.File;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * Frames of a video file decoded by FFmpeg ({@link FFmpegFrameGrabber}), with their presentation times. A video
 * whose frames end well before the length its container declares (a cut-off copy or download) ends with
 * {@link #endStatus()} {@code truncated} and a warning, not silently.
 */
public final class VideoSource implements FrameSource {
  private final File file;
  private final FFmpegFrameGrabber grabber;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private long index;
  private long lastTimestamp = -1;
  private String endStatus;
  private String endWarning;

  private VideoSource(File file, FFmpegFrameGrabber grabber) {
    this.file = file;
    this.grabber = grabber;
  }

  /**
   * Opens {@code file}.
   *
   * @throws InputError naming the file and the reason: missing, a directory, not a video FFmpeg can read, or no
   *     video stream
   */
  public static VideoSource open(File file) {
    return open(file, Long.MAX_VALUE);
  }

  /** As {@link #open(File)}, refusing a video whose frames have more than {@code maxPixels} pixels. */
  public static VideoSource open(File file, long maxPixels) {
    if (!file.exists()) {
      throw new InputError("cannot open video " + file + ": no such file");
    }
    if (!file.isFile()) {
      throw new InputError("cannot open video " + file + ": not a regular file");
    }
    FaceNormalizer.loadNatives();
    quietFfmpeg();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(grabber);
      throw new InputError("cannot open video " + file + ": FFmpeg cannot read it as a video (" + reason(e) + ")");
    }
    if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
      release(grabber);
      throw new InputError("cannot open video " + file + ": it has no video stream");
    }
    int width = grabber.getImageWidth();
    int height = grabber.getImageHeight();
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      release(grabber);
      throw new InputError("cannot open video " + file + ": its frames are " + width + "×" + height + " = " + pixels
          + " pixels > fer.image.max-pixels " + maxPixels);
    }
    return new VideoSource(file, grabber);
  }

  @Override
  public GrabbedFrame grab() {
    Frame frame;
    try {
      frame = grabber.grabImage();
    } catch (FrameGrabber.Exception e) {
      throw new InputError("cannot decode video " + file + " at frame " + index + ": " + e.getMessage());
    }
    if (frame == null) {
      judgeEnd();
      return null;
    }
    lastTimestamp = frame.timestamp;
    Mat bgr = converter.convert(frame);
    return new GrabbedFrame(bgr, index++, frame.timestamp / 1e6, null);
  }

  /**
   * Truncated when the last frame's time, or the frame count, is below 90 % of what the container declares (and
   * at least two frames short): a whole file ends within a frame of its declared length.
   */
  private void judgeEnd() {
    if (endStatus != null) {
      return;
    }
    long declaredMicros = grabber.getLengthInTime();
    int declaredFrames = grabber.getLengthInFrames();
    double fps = grabber.getFrameRate();
    long frameMicros = fps > 0 ? (long) (1e6 / fps) : 0;
    boolean shortInTime = declaredMicros > 0 && lastTimestamp + 2 * frameMicros < 0.9 * declaredMicros;
    boolean shortInFrames = declaredFrames > 0 && index + 2 <= declaredFrames && index < 0.9 * declaredFrames;
    if (shortInTime || shortInFrames) {
      endStatus = "truncated";
      endWarning = String.format(java.util.Locale.ROOT, "video %s ended after %d frames (%.2f s) but declares "
          + "%d frames (%.2f s): truncated or damaged", file, index, Math.max(0, lastTimestamp) / 1e6, declaredFrames,
          declaredMicros / 1e6);
    } else {
      endStatus = "complete";
    }
  }

  @Override
  public String endStatus() {
    return endStatus == null ? "complete" : endStatus;
  }

  @Override
  public String endWarning() {
    return endWarning;
  }

  @Override
  public double frameRate() {
    return grabber.getFrameRate();
  }

  @Override
  public void close() {
    release(grabber);
    converter.close();
  }

  /** FFmpeg's text for the error code in a JavaCV message ("... error -1094995529: ..."), else the message. */
  static String reason(Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = Pattern.compile("error (-\\d+)").matcher(message);
    if (m.find()) {
      try (BytePointer text = new BytePointer(256)) {
        if (avutil.av_strerror(Integer.parseInt(m.group(1)), text, 256) == 0) {
          byte[] bytes = new byte[256];
          text.get(bytes);
          int end = 0;
          while (end < bytes.length && bytes[end] != 0) {
            end++;
          }
          return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
        }
      }
    }
    return message;
  }

  /** FFmpeg's own log only for errors: its warnings would interleave with the app's output. */
  static void quietFfmpeg() {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
  }

  private static void release(FrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      // closing after a failure: nothing more to report
    }
  }
}
