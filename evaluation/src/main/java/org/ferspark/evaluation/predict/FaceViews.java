package org.ferspark.evaluation.predict;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * Geometric operations on stored faces (square uint8 grayscale, row-major) at scoring time: resizing to a model's
 * input side, and the test-time-augmentation views.
 *
 * <p>Test-time augmentation: {@value #TTA_VIEWS} views of each face, whose class probabilities are averaged: the
 * face, its horizontal mirror, and the four corner crops of side {@code side - 4} (44×44 of a 48×48 face), each
 * resized back to {@code side} with {@code INTER_LINEAR} (a 1.09× zoom shifted by ±2 px, inside the training
 * augmentation's zoom 0.9–1.1 and shift ±4 px).
 */
public final class FaceViews {
  /** Views per face under test-time augmentation. */
  public static final int TTA_VIEWS = 6;
  /** Pixels cut from the crops' side. */
  public static final int TTA_CROP = 4;

  /** The test-time-augmentation view sets. */
  public enum Tta {
    /** The face, its mirror and the 4 corner crops: {@value #TTA_VIEWS} views. */
    SIX("six", EvaluationResult.SIX_VIEWS),
    /** Ten-crop (Krizhevsky et al. 2012): the 4 corner crops and the centre crop, and their mirrors. */
    TEN_CROP("ten-crop", "4 corner crops and the centre crop (side - 4) resized back, and their horizontal mirrors");

    private final String key;
    private final String description;

    Tta(String key, String description) {
      this.key = key;
      this.description = description;
    }

    /** The configuration value, {@code six} or {@code ten-crop}. */
    public String key() {
      return key;
    }

    /** What the views are, for metrics.json and the report. */
    public String description() {
      return description;
    }

    /** Whether the face itself is view 0 (so its plain probabilities can be reused). */
    public boolean startsWithTheFace() {
      return this == SIX;
    }

    /** The views of a {@code side × side} face. */
    public byte[][] views(byte[] face, int side) {
      return this == SIX ? ttaViews(face, side) : tenCrop(face, side);
    }

    /** By configuration value; null for an unknown one. */
    public static Tta byKey(String key) {
      for (Tta t : values()) {
        if (t.key.equals(key)) {
          return t;
        }
      }
      return null;
    }
  }

  /** Interpolation for resizing a face to a model's input side. */
  public enum Interpolation {
    LINEAR(INTER_LINEAR), AREA(INTER_AREA);

    final int cv;

    Interpolation(int cv) {
      this.cv = cv;
    }
  }

  private FaceViews() {
  }

  /** The {@value #TTA_VIEWS} views of a {@code side × side} face, the face itself first. */
  public static byte[][] ttaViews(byte[] face, int side) {
    byte[][] views = new byte[TTA_VIEWS][];
    views[0] = face;
    views[1] = mirror(face, side);
    int crop = side - TTA_CROP;
    int[][] corners = {{0, 0}, {TTA_CROP, 0}, {0, TTA_CROP}, {TTA_CROP, TTA_CROP}};
    for (int k = 0; k < corners.length; k++) {
      views[2 + k] = cropResize(face, side, corners[k][0], corners[k][1], crop, side, Interpolation.LINEAR);
    }
    return views;
  }

  /** Ten-crop: the crops of side {@code side - 4} at the 4 corners and the centre, resized back, then their mirrors. */
  public static byte[][] tenCrop(byte[] face, int side) {
    int crop = side - TTA_CROP;
    int c = TTA_CROP / 2;
    int[][] origins = {{0, 0}, {TTA_CROP, 0}, {0, TTA_CROP}, {TTA_CROP, TTA_CROP}, {c, c}};
    byte[][] views = new byte[2 * origins.length][];
    for (int k = 0; k < origins.length; k++) {
      views[k] = cropResize(face, side, origins[k][0], origins[k][1], crop, side, Interpolation.LINEAR);
      views[origins.length + k] = mirror(views[k], side);
    }
    return views;
  }

  /** The horizontal mirror image. */
  public static byte[] mirror(byte[] face, int side) {
    byte[] out = new byte[face.length];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        out[y * side + x] = face[y * side + side - 1 - x];
      }
    }
    return out;
  }

  /** The face resized to {@code size × size}; the same array when the size does not change. */
  public static byte[] resizeTo(byte[] face, int side, int size, Interpolation interpolation) {
    return size == side ? face : cropResize(face, side, 0, 0, side, size, interpolation);
  }

  /** The {@code crop × crop} window at ({@code x}, {@code y}) resized to {@code size × size}. */
  static byte[] cropResize(byte[] face, int side, int x, int y, int crop, int size, Interpolation interpolation) {
    if (face.length != side * side) {
      throw new IllegalArgumentException("a face of " + face.length + " bytes is not " + side + "x" + side);
    }
    FaceNormalizer.loadNatives();
    try (PointerScope scope = new PointerScope()) {
      Mat src = new Mat(side, side, CV_8UC1, new BytePointer(face));
      Mat window = crop == side ? src : new Mat(src, new Rect(x, y, crop, crop));
      Mat dst = new Mat();
      resize(window, dst, new Size(size, size), 0, 0, interpolation.cv);
      byte[] out = new byte[size * size];
      dst.data().get(out);
      return out;
    }
  }
}
