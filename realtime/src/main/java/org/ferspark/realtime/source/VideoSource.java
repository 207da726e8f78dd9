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

/** Frames of a video file decoded by FFmpeg ({@link FFmpegFrameGrabber}), with their presentation times. */
public final class VideoSource implements FrameSource {
  private final File file;
  private final FFmpegFrameGrabber grabber;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private long index;

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
      return null;
    }
    Mat bgr = converter.convert(frame);
    return new GrabbedFrame(bgr, index++, frame.timestamp / 1e6, null);
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
