package org.ferspark.realtime.source;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * A stream of BGR frames: a camera, a video file or image files. Errors that a user can fix (no camera, unreadable
 * video) are {@link InputError}s with one clear message.
 */
public interface FrameSource extends AutoCloseable {

  /** The next frame, or {@code null} at the end of the input. */
  GrabbedFrame grab();

  /** Frames per second of the input when known (video, camera), else 0. */
  double frameRate();

  /** Images that could not be read and were skipped (image input only). */
  default int skipped() {
    return 0;
  }

  /**
   * How the input ended, known once {@link #grab} returned null: {@code complete}, or for a video whose frames
   * stop well before its declared length {@code truncated} (see {@link #endWarning}).
   */
  default String endStatus() {
    return "complete";
  }

  /** The warning for an input that did not end cleanly, else null. */
  default String endWarning() {
    return null;
  }

  @Override
  void close();

  /** Opens {@code --camera N}, {@code --video FILE} or {@code --image PATH}; exactly one must be given. */
  static FrameSource open(Integer camera, File video, File image) {
    Config c = ConfigFactory.load();
    return open(camera, video, image, new ImageLimits(c.getLong("fer.image.max-pixels"),
        c.getBytes("fer.image.max-file-bytes")));
  }

  /** Image-file bounds ({@code fer.image.max-pixels}, {@code fer.image.max-file-bytes}). */
  record ImageLimits(long maxPixels, long maxFileBytes) {
  }

  /** As {@link #open(Integer, File, File)}, images bounded by {@code limits}. */
  static FrameSource open(Integer camera, File video, File image, ImageLimits limits) {
    if (camera != null) {
      return CameraSource.open(camera);
    }
    if (video != null) {
      return VideoSource.open(video, limits.maxPixels());
    }
    if (image != null) {
      return ImageSource.open(image, System.err, limits.maxPixels(), limits.maxFileBytes());
    }
    throw new IllegalArgumentException("one of camera, video or image is required");
  }
}
