package org.ferspark.realtime.source;

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

  @Override
  void close();

  /** Opens {@code --camera N}, {@code --video FILE} or {@code --image PATH}; exactly one must be given. */
  static FrameSource open(Integer camera, File video, File image) {
    if (camera != null) {
      return CameraSource.open(camera);
    }
    if (video != null) {
      return VideoSource.open(video);
    }
    if (image != null) {
      return ImageSource.open(image);
    }
    throw new IllegalArgumentException("one of camera, video or image is required");
  }
}
