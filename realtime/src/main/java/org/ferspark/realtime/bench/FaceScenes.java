package org.ferspark.realtime.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * A labelled face-detection benchmark: 640×480 scenes of FER2013 faces (48×48 gray) scaled to a known side and
 * composited at known boxes on the backgrounds of {@link SyntheticVideo}, in categories that stress a detector
 * differently. The ground-truth box of a face is the square its 48×48 crop covers (for a rotated face: the same
 * square, unrotated, about the same centre). Every scene is a function of (category, index, seed), so detectors are
 * compared on identical pixels.
 */
public final class FaceScenes {
  public static final int WIDTH = SyntheticVideo.WIDTH;
  public static final int HEIGHT = SyntheticVideo.HEIGHT;

  /** The scene categories. */
  public enum Category {
    /** One upright face, 64–200 px. */
    UPRIGHT,
    /** One or two upright faces, 40–80 px. */
    SMALL,
    /** One face, 80–160 px, rotated by 10–30° either way. */
    ROTATED,
    /** One face, 80–160 px, 25–40 % of it covered (lower part, as by a mask, or one side, as by a hand). */
    OCCLUDED,
    /** One face, 80–160 px, the whole scene darkened to 25–40 % of its brightness. */
    DARK,
    /** One face, 80–160 px, the whole scene over-exposed (gain 1.3–1.6, +50–80). */
    BRIGHT,
    /** Three to five upright faces, 48–160 px, not overlapping. */
    MULTI
  }

  /** One face in a scene: its true box and how it was drawn. */
  public record Face(FaceBox box, double angle, boolean occluded, Category category) {
    /** Upright, unoccluded, normally lit. */
    public boolean plain() {
      return angle == 0 && !occluded && category != Category.DARK && category != Category.BRIGHT;
    }
  }

  /** A scene: BGR pixels (owned by the caller) and its faces. */
  public record Scene(Mat bgr, List<Face> faces, Category category) {
  }

  private final List<Path> faceFiles;
  private final long seed;

  /** Scenes drawing their faces from {@code faceFiles} (FER2013 48×48 JPEGs). */
  public FaceScenes(List<Path> faceFiles, long seed) {
    if (faceFiles.isEmpty()) {
      throw new IllegalArgumentException("no face images");
    }
    this.faceFiles = faceFiles;
    this.seed = seed;
    FaceNormalizer.loadNatives();
  }

  /** Scene {@code index} of {@code category}. */
  public Scene render(Category category, int index) throws IOException {
    Random random = new Random(seed * 1_000_003L + category.ordinal() * 100_003L + index);
    Mat frame = SyntheticVideo.background(random);
    List<Face> faces = new ArrayList<>();
    int count = switch (category) {
      case SMALL -> 1 + random.nextInt(2);
      case MULTI -> 3 + random.nextInt(3);
      default -> 1;
    };
    for (int i = 0; i < count; i++) {
      int side = switch (category) {
        case UPRIGHT -> 64 + random.nextInt(137);
        case SMALL -> 40 + random.nextInt(41);
        case MULTI -> 48 + random.nextInt(113);
        default -> 80 + random.nextInt(81);
      };
      double angle = category == Category.ROTATED ? (random.nextBoolean() ? 1 : -1) * (10 + 20 * random.nextDouble())
          : 0;
      FaceBox box = place(random, side, faces);
      if (box == null) {
        continue;
      }
      Path file = faceFiles.get(random.nextInt(faceFiles.size()));
      paste(frame, file, box, angle);
      boolean occluded = category == Category.OCCLUDED;
      if (occluded) {
        occlude(frame, box, random);
      }
      faces.add(new Face(box, angle, occluded, category));
    }
    if (category == Category.DARK) {
      frame.convertTo(frame, -1, 0.25 + 0.15 * random.nextDouble(), 0);
    } else if (category == Category.BRIGHT) {
      frame.convertTo(frame, -1, 1.3 + 0.3 * random.nextDouble(), 50 + 30 * random.nextDouble());
    }
    return new Scene(frame, faces, category);
  }

  /** A box of {@code side} inside the frame overlapping no earlier face (with a gap), or null after 50 tries. */
  private static FaceBox place(Random random, int side, List<Face> earlier) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int x = random.nextInt(WIDTH - side + 1);
      int y = random.nextInt(HEIGHT - side + 1);
      FaceBox b = new FaceBox(x, y, side, side);
      int gap = 8;
      boolean free = earlier.stream().map(Face::box).noneMatch(o -> x < o.x() + o.width() + gap
          && o.x() < x + side + gap && y < o.y() + o.height() + gap && o.y() < y + side + gap);
      if (free) {
        return b;
      }
    }
    return null;
  }

  /** The face of {@code file} scaled to the box, rotated by {@code angle} degrees about its centre, on the frame. */
  private static void paste(Mat frame, Path file, FaceBox box, double angle) throws IOException {
    try (PointerScope scope = new PointerScope()) {
      Mat gray = imread(file.toString(), IMREAD_GRAYSCALE);
      if (gray.empty()) {
        throw new IOException("cannot read face image " + file);
      }
      int side = box.width();
      Mat scaled = new Mat();
      resize(gray, scaled, new Size(side, side), 0, 0, side < gray.cols() ? INTER_AREA : INTER_CUBIC);
      Mat bgr = new Mat();
      cvtColor(scaled, bgr, COLOR_GRAY2BGR);
      Mat target = new Mat(frame, new Rect(box.x(), box.y(), side, side));
      if (angle == 0) {
        bgr.copyTo(target);
        return;
      }
      // rotate within a canvas large enough for the corners, and paste through the rotated square's mask
      int canvas = (int) Math.ceil(side * Math.sqrt(2)) + 2;
      int off = (canvas - side) / 2;
      int cx = box.x() + side / 2;
      int cy = box.y() + side / 2;
      Mat big = new Mat(canvas, canvas, bgr.type(), new Scalar(0, 0, 0, 0));
      bgr.copyTo(new Mat(big, new Rect(off, off, side, side)));
      Mat mask = new Mat(canvas, canvas, CV_8UC1, new Scalar(0, 0, 0, 0));
      new Mat(mask, new Rect(off, off, side, side)).put(new Scalar(255, 0, 0, 0));
      Mat m = getRotationMatrix2D(new Point2f(canvas / 2f, canvas / 2f), angle, 1.0);
      Mat rotated = new Mat();
      Mat rotatedMask = new Mat();
      warpAffine(big, rotated, m, new Size(canvas, canvas), INTER_LINEAR, BORDER_CONSTANT, new Scalar());
      warpAffine(mask, rotatedMask, m, new Size(canvas, canvas), INTER_LINEAR, BORDER_CONSTANT, new Scalar());
      // the canvas centred on the face centre, clipped to the frame
      int fx0 = Math.max(0, cx - canvas / 2);
      int fy0 = Math.max(0, cy - canvas / 2);
      int fx1 = Math.min(frame.cols(), cx - canvas / 2 + canvas);
      int fy1 = Math.min(frame.rows(), cy - canvas / 2 + canvas);
      Rect src = new Rect(fx0 - (cx - canvas / 2), fy0 - (cy - canvas / 2), fx1 - fx0, fy1 - fy0);
      new Mat(rotated, src).copyTo(new Mat(frame, new Rect(fx0, fy0, fx1 - fx0, fy1 - fy0)),
          new Mat(rotatedMask, src));
    }
  }

  /** Covers the lower 25–40 % of the face (a mask) or its left or right 25–40 % (a hand) with a flat colour. */
  private static void occlude(Mat frame, FaceBox box, Random random) {
    int side = box.width();
    int depth = (int) Math.round(side * (0.25 + 0.15 * random.nextDouble()));
    int kind = random.nextInt(3);
    int x0 = box.x();
    int y0 = box.y();
    int x1 = box.x() + side;
    int y1 = box.y() + side;
    switch (kind) {
      case 0 -> y0 = y1 - depth;
      case 1 -> x1 = x0 + depth;
      default -> x0 = x1 - depth;
    }
    int v = 40 + random.nextInt(180);
    try (PointerScope scope = new PointerScope()) {
      rectangle(frame, new Point(x0, y0), new Point(x1 - 1, y1 - 1), new Scalar(v, v + 10, v + 25, 0), -1, 8, 0);
    }
  }
}
