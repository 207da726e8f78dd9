package org.ferspark.realtime.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_objdetect;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * OpenCV's Viola-Jones cascade detector. By default {@code haarcascade_frontalface_default.xml} from the OpenCV jar
 * of JavaCV (copied once per JVM to a temporary file, since OpenCV reads cascades from files only).
 *
 * <p>Cost grows with the number of scales searched: a large {@code minSize} (or a region with a tight size range)
 * is what makes it fast enough for video (bench/RESULTS.md).
 */
public final class HaarFaceDetector implements FaceDetector {
  /** The frontal-face cascade inside the opencv linux-x86_64 jar. */
  public static final String DEFAULT_CASCADE_RESOURCE =
      "/org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
  private static Path defaultCascadeFile;

  private final CascadeClassifier cascade;
  private final double scaleFactor;
  private final int minNeighbours;
  private final int minSize;
  private final Mat gray = new Mat();
  private final RectVector found = new RectVector();

  /**
   * @param cascadeFile a cascade XML file, or null for the default frontal-face cascade
   * @param scaleFactor image pyramid step, &gt; 1 (1.1 is thorough, 1.3 fast)
   * @param minNeighbours overlapping hits needed to accept a face (3 is OpenCV's default)
   * @param minSize smallest face side in pixels
   */
  public HaarFaceDetector(Path cascadeFile, double scaleFactor, int minNeighbours, int minSize) {
    if (scaleFactor <= 1.0 || minNeighbours < 0 || minSize < 1) {
      throw new IllegalArgumentException("need scaleFactor > 1, minNeighbours >= 0, minSize >= 1; got "
          + scaleFactor + ", " + minNeighbours + ", " + minSize);
    }
    Path file = cascadeFile != null ? cascadeFile : defaultCascade();
    if (!Files.isRegularFile(file)) {
      throw new InputError("cascade file " + file + " does not exist");
    }
    checkSize(file, "cascade file");
    try {
      this.cascade = new CascadeClassifier(file.toString());
    } catch (RuntimeException e) {
      throw new InputError("cascade file " + file + " is not an OpenCV cascade: " + e.getMessage());
    }
    if (cascade.empty()) {
      cascade.close();
      throw new InputError("cascade file " + file + " is not an OpenCV cascade");
    }
    this.scaleFactor = scaleFactor;
    this.minNeighbours = minNeighbours;
    this.minSize = minSize;
  }

  @Override
  public List<Detection> detectScored(Mat bgr, FaceBox region, int minFace, int maxFace) {
    FaceBox area = region == null ? new FaceBox(0, 0, bgr.cols(), bgr.rows()) : region.clampTo(bgr.cols(), bgr.rows());
    int min = minFace > 0 ? minFace : minSize;
    if (area.width() < min || area.height() < min) {
      return List.of();
    }
    try (PointerScope scope = new PointerScope()) {
      Mat view = region == null ? bgr : new Mat(bgr, new Rect(area.x(), area.y(), area.width(), area.height()));
      Mat input = view;
      if (view.channels() == 3) {
        cvtColor(view, gray, COLOR_BGR2GRAY);
        input = gray;
      }
      // detectMultiScale2: the same boxes as detectMultiScale, plus each box's number of merged windows
      IntPointer neighbours = new IntPointer();
      cascade.detectMultiScale2(input, found, neighbours, scaleFactor, minNeighbours, 0, new Size(min, min),
          maxFace > 0 ? new Size(maxFace, maxFace) : new Size());
      List<Detection> faces = new ArrayList<>((int) found.size());
      for (long i = 0; i < found.size(); i++) {
        Rect r = found.get(i);
        faces.add(new Detection(new FaceBox(area.x() + r.x(), area.y() + r.y(), r.width(), r.height()),
            i < neighbours.limit() ? neighbours.get(i) : Float.NaN));
      }
      return faces;
    }
  }

  @Override
  public void close() {
    cascade.close();
    gray.close();
    found.close();
  }

  private static synchronized Path defaultCascade() {
    if (defaultCascadeFile == null) {
      FaceNormalizer.loadNatives();
      Loader.load(opencv_objdetect.class);
      try (InputStream in = HaarFaceDetector.class.getResourceAsStream(DEFAULT_CASCADE_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the OpenCV jar has no " + DEFAULT_CASCADE_RESOURCE
              + "; is org.bytedeco:opencv:linux-x86_64 on the classpath?");
        }
        Path tmp = Files.createTempFile("fer-haarcascade-", ".xml");
        tmp.toFile().deleteOnExit();
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        defaultCascadeFile = tmp;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy the default cascade to a temporary file", e);
      }
    }
    return defaultCascadeFile;
  }

  /** OpenCV reads detector files whole: refuse one over {@code fer.limits.model.file-bytes} before it does. */
  static void checkSize(Path file, String what) {
    long limit = org.ferspark.preprocessing.io.Limits.current().modelFileBytes();
    try {
      long size = Files.size(file);
      if (size > limit) {
        throw new InputError(what + " " + file + " is " + size + " bytes, more than fer.limits.model.file-bytes = "
            + limit);
      }
    } catch (java.io.IOException e) {
      throw new InputError("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }
}
