package org.ferspark.realtime.detect;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.track.IouTracker;

/**
 * Decides where to look for faces in each frame: the whole frame every {@code every} frames; in between, only around
 * the faces already tracked — each last box grown by {@code roiExpand} of its size on every side, for faces between
 * {@code minScale} and {@code maxScale} of its size. A region search costs a fraction of a full-frame search
 * (few scales, small area), which is what keeps detection inside a 30 frames/s budget on one core. New faces
 * appear at the next full-frame detection, at most {@code every - 1} frames late.
 */
public final class FaceFinder {
  private static final double DUPLICATE_IOU = 0.3;
  private final FaceDetector detector;
  private final int every;
  private final double roiExpand;
  private final double minScale;
  private final double maxScale;

  public FaceFinder(FaceDetector detector, int every, double roiExpand, double minScale, double maxScale) {
    if (every < 1 || roiExpand < 0 || minScale <= 0 || minScale > 1 || maxScale < 1) {
      throw new IllegalArgumentException("need every >= 1, roiExpand >= 0, 0 < minScale <= 1 <= maxScale; got "
          + every + ", " + roiExpand + ", " + minScale + ", " + maxScale);
    }
    this.detector = detector;
    this.every = every;
    this.roiExpand = roiExpand;
    this.minScale = minScale;
    this.maxScale = maxScale;
  }

  /** Whether frame {@code index} gets a full-frame detection. */
  public boolean fullFrame(long index) {
    return index % every == 0;
  }

  /** Every face of the whole frame. */
  public List<Detection> findAll(Mat bgr) {
    return detector.detectScored(bgr, null, 0, 0);
  }

  /** The faces of frame {@code index}, given the boxes of the faces tracked so far. */
  public List<Detection> find(Mat bgr, long index, List<FaceBox> tracked) {
    if (fullFrame(index)) {
      return findAll(bgr);
    }
    List<Detection> found = new ArrayList<>();
    for (FaceBox box : tracked) {
      int side = Math.max(box.width(), box.height());
      found.addAll(detector.detectScored(bgr, grow(box, roiExpand), (int) Math.floor(side * minScale),
          (int) Math.ceil(side * maxScale)));
    }
    return IouTracker.dedupe(found, Detection::box, DUPLICATE_IOU);
  }

  static FaceBox grow(FaceBox b, double f) {
    int dx = (int) Math.round(b.width() * f);
    int dy = (int) Math.round(b.height() * f);
    return new FaceBox(b.x() - dx, b.y() - dy, b.width() + 2 * dx, b.height() + 2 * dy);
  }
}
