package org.ferspark.evaluation.images;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.ImageHeader;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.detect.FaceDetector;

/**
 * Finds the face of one labelled photo and normalises it, through the project's one face path: the header checks
 * and decoding of {@link FaceNormalizer} (file size, declared pixels, truncation), the realtime detector on the 8-bit
 * BGR photo, the detected box grown by the crop margin ({@link FaceClassifier#cropBox}, as predict and realtime
 * crop), then crop → gray → area resize. A photo taken whole as the face (detection off, or both sides at most
 * {@code crop-max-side}) goes through {@link FaceNormalizer#normalize(byte[], FaceBox)} exactly as preprocessing
 * reads a face crop, so it gives the bytes the Parquet tensors of the same file hold. Never throws for a bad photo:
 * every outcome is a {@link FaceStatus}. Spark-free; not thread-safe (the detector is not).
 */
public final class FaceLocator {
  private final ImageSettings settings;
  private final FaceNormalizer normalizer;
  private final FaceDetector detector;

  /** @param detector the face detector, or null when {@code settings.detect()} is false */
  public FaceLocator(ImageSettings settings, FaceDetector detector) {
    if (settings.detect() && detector == null) {
      throw new IllegalArgumentException("detection is on but no detector was given");
    }
    this.settings = settings;
    this.normalizer = new FaceNormalizer(settings.faceSide(), settings.maxPixels(), settings.maxFileBytes());
    this.detector = detector;
  }

  /**
   * The outcome of one photo.
   *
   * @param status what became of it
   * @param reason the preprocessing reason code of an unreadable photo, else null
   * @param detail what was wrong, for the report, else null
   * @param pixels the normalised face ({@code ok} only)
   * @param box the chosen face's box in the photo, or null when the photo was taken whole
   * @param side the face's side in pixels (box side, or the photo's shorter side), -1 if unknown
   * @param facesFound faces the detector found, -1 when it did not run
   * @param severalFaces whether several faces of at least {@code min-face} were found
   */
  public record Located(FaceStatus status, String reason, String detail, byte[] pixels, FaceBox box, int side,
      int facesFound, boolean severalFaces) {

    static Located fail(FaceStatus status, String reason, String detail, int side, int facesFound) {
      return new Located(status, reason, detail, null, null, side, facesFound, false);
    }
  }

  /** Finds and normalises the face of an encoded photo. */
  public Located locate(byte[] encoded) {
    try {
      ImageHeader header = ImageHeader.read(encoded);
      boolean crop = settings.cropMaxSide() > 0 && header.width() <= settings.cropMaxSide()
          && header.height() <= settings.cropMaxSide();
      return !settings.detect() || crop ? whole(encoded, header) : detect(encoded);
    } catch (RejectException e) {
      return Located.fail(FaceStatus.UNREADABLE, e.reason(), e.detail(), -1, -1);
    } catch (RuntimeException e) {
      return Located.fail(FaceStatus.UNREADABLE, "internal-error", e.getClass().getSimpleName() + ": "
          + e.getMessage(), -1, -1);
    }
  }

  private Located whole(byte[] encoded, ImageHeader header) throws RejectException {
    byte[] face = normalizer.normalize(encoded, null);
    int side = Math.min(header.width(), header.height());
    if (side < settings.minFace()) {
      return Located.fail(FaceStatus.FACE_TOO_SMALL, null, "the photo, taken whole as the face, is "
          + header.width() + "x" + header.height() + ": below fer.evaluate.images.min-face = " + settings.minFace(),
          side, -1);
    }
    return new Located(FaceStatus.OK, null, null, face, null, side, -1, false);
  }

  private Located detect(byte[] encoded) throws RejectException {
    try (PointerScope scope = new PointerScope()) {
      Mat bgr = normalizer.decode(encoded, IMREAD_COLOR);
      List<FaceBox> faces = detector.detect(bgr, null, settings.detectMinSide(), 0);
      if (faces.isEmpty()) {
        return Located.fail(FaceStatus.NO_FACE, null, "no face of at least " + settings.detectMinSide()
            + " px found in the " + bgr.cols() + "x" + bgr.rows() + " photo", -1, 0);
      }
      List<FaceBox> large = new ArrayList<>();
      for (FaceBox f : faces) {
        if (side(f) >= settings.minFace()) {
          large.add(f);
        }
      }
      large.sort(LARGEST_FIRST);
      if (large.isEmpty()) {
        FaceBox biggest = faces.stream().min(LARGEST_FIRST).orElseThrow();
        return Located.fail(FaceStatus.FACE_TOO_SMALL, null, faces.size() + " face(s) found, the largest "
            + biggest + " of side " + side(biggest) + " px: below fer.evaluate.images.min-face = "
            + settings.minFace(), side(biggest), faces.size());
      }
      boolean several = large.size() > 1;
      if (several && settings.severalFaces() == ImageSettings.SeveralFaces.REJECT) {
        return new Located(FaceStatus.SEVERAL_FACES, null, large.size() + " faces of at least "
            + settings.minFace() + " px " + large + " (fer.evaluate.images.several-faces = reject)", null, null,
            side(large.get(0)), faces.size(), true);
      }
      FaceBox chosen = large.get(0);
      byte[] face = normalizer.normalize(bgr, FaceClassifier.cropBox(chosen, settings.cropMargin()));
      return new Located(FaceStatus.OK, null, null, face, chosen, side(chosen), faces.size(), several);
    }
  }

  /** Largest area first; equal areas top-most, then left-most first. */
  static final Comparator<FaceBox> LARGEST_FIRST = Comparator
      .comparingLong((FaceBox b) -> -(long) b.width() * b.height())
      .thenComparingInt(FaceBox::y).thenComparingInt(FaceBox::x);

  static int side(FaceBox b) {
    return Math.min(b.width(), b.height());
  }
}
