package org.ferspark.preprocessing.image;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.io.Serializable;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A random face augmenter: rotation, zoom, shift and horizontal flip drawn from {@link AugmentParams} and applied
 * as one affine warp ({@code INTER_LINEAR}, {@code BORDER_REFLECT_101}) to a {@code size × size} gray face.
 *
 * <p>The same (image id, copy index, seed) always gives the same bytes, so offline augmented copies are
 * reproducible; training's online augmentation passes its own {@link SplittableRandom} instead. Draw order per
 * face: rotation, flip, zoom, shift x, shift y (all five are always drawn, so switching the flip off does not change
 * the other draws), then, only when configured, the photometric draws of {@link Photometric}. Immutable, thread-safe and serializable for Spark closures.
 */
public final class Augmenter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final AugmentParams params;
  private final int size;
  private final double flipProbability;

  /** An augmenter of {@code size × size} faces with the ranges of {@code params}; flips half of the faces. */
  public Augmenter(AugmentParams params, int size) {
    this(params, size, 0.5);
  }

  /** For tests: {@code flipProbability} 1 forces the flip whenever {@code params.horizontalFlip()} is on. */
  Augmenter(AugmentParams params, int size, double flipProbability) {
    if (params == null || size < 1 || !(flipProbability >= 0 && flipProbability <= 1)) {
      throw new IllegalArgumentException("need params, size >= 1 and a flip probability in [0,1]");
    }
    this.params = params;
    this.size = size;
    this.flipProbability = flipProbability;
  }

  /** An augmented face and what was done to it, e.g. {@code rot=+7.31;zoom=1.042;shift=2.0,-1.0;flip=1}. */
  public record Augmented(byte[] pixels, String description) {}

  /** Augments deterministically from {@code Seeds.of(imageId, copyIndex, seed)}. */
  public Augmented augment(byte[] face, String imageId, int copyIndex, long seed) {
    return augment(face, new SplittableRandom(Seeds.of(imageId, copyIndex, seed)));
  }

  /** Augments with draws from {@code rng} (online augmentation during training). */
  public Augmented augment(byte[] face, SplittableRandom rng) {
    if (face == null || face.length != size * size) {
      throw new IllegalArgumentException("expected a " + size + "×" + size + " face of " + size * size
          + " bytes, got " + (face == null ? "null" : face.length + " bytes"));
    }
    double angle = (rng.nextDouble() * 2 - 1) * params.maxRotationDeg() + 0.0;
    boolean flip = rng.nextDouble() < flipProbability && params.horizontalFlip();
    double zoom = params.zoomMin() + rng.nextDouble() * (params.zoomMax() - params.zoomMin());
    int shiftX = rng.nextInt(-params.maxShiftPx(), params.maxShiftPx() + 1);
    int shiftY = rng.nextInt(-params.maxShiftPx(), params.maxShiftPx() + 1);
    byte[] pixels = warp(face, matrix(angle, zoom, shiftX, shiftY, flip));
    String description = String.format(Locale.ROOT, "rot=%+.2f;zoom=%.3f;shift=%.1f,%.1f;flip=%d",
        angle, zoom, (double) shiftX, (double) shiftY, flip ? 1 : 0);
    if (params.photometric()) {
      description += Photometric.apply(pixels, size, params, rng);
    }
    return new Augmented(pixels, description);
  }

  /**
   * The forward 2×3 matrix: mirror about the vertical centre line (if flipped), then rotate by {@code angleDeg}
   * (counter-clockwise, as {@code getRotationMatrix2D}) and scale by {@code zoom} about the centre, then shift.
   */
  double[] matrix(double angleDeg, double zoom, double shiftX, double shiftY, boolean flip) {
    double c = (size - 1) / 2.0;
    double radians = Math.toRadians(angleDeg);
    double alpha = zoom * Math.cos(radians);
    double beta = zoom * Math.sin(radians);
    double[][] rotate = {
        {alpha, beta, (1 - alpha) * c - beta * c},
        {-beta, alpha, beta * c + (1 - alpha) * c}};
    double fx = flip ? -1 : 1;
    double tx = flip ? size - 1 : 0;
    return new double[] {
        rotate[0][0] * fx, rotate[0][1], rotate[0][0] * tx + rotate[0][2] + shiftX,
        rotate[1][0] * fx, rotate[1][1], rotate[1][0] * tx + rotate[1][2] + shiftY};
  }

  private byte[] warp(byte[] face, double[] matrix) {
    try (PointerScope scope = new PointerScope()) {
      Mat src = MatOps.wrapGray(face, size, size);
      Mat m = new Mat(2, 3, CV_64F, new DoublePointer(matrix));
      Mat dst = new Mat();
      warpAffine(src, dst, m, new Size(size, size), INTER_LINEAR, BORDER_REFLECT_101, new Scalar());
      return MatOps.toBytes(dst);
    }
  }
}
