package org.ferspark.realtime.detect;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.image.FaceBox;

/** Finds every face in a BGR frame, or in one region of it. Not thread-safe: one detector per thread. */
public interface FaceDetector extends AutoCloseable {

  /**
   * The faces inside {@code region} of {@code bgr} (the whole frame when null), in frame coordinates, each with the
   * detector's score.
   *
   * @param minSize smallest face side to look for in pixels, 0 for the detector's configured minimum
   * @param maxSize largest face side, 0 for no limit
   */
  List<Detection> detectScored(Mat bgr, FaceBox region, int minSize, int maxSize);

  /** The boxes of {@link #detectScored}. */
  default List<FaceBox> detect(Mat bgr, FaceBox region, int minSize, int maxSize) {
    return detectScored(bgr, region, minSize, maxSize).stream().map(Detection::box).toList();
  }

  /** Every face of the whole frame at least the configured minimum size. */
  default List<FaceBox> detect(Mat bgr) {
    return detect(bgr, null, 0, 0);
  }

  @Override
  void close();
}
