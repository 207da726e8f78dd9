package org.ferspark.evaluation.predict;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceNormalizer;

/** Faces of the repository's data/sample (already 48×48 grayscale JPEGs) as stored bytes, for tests. */
public final class Faces {
  public static final List<String> LABELS = Emotion.labelNames(7);

  private Faces() {
  }

  /** The repository root (surefire sets {@code fer.repo.root}). */
  public static Path repoRoot() {
    return Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** One labelled face. */
  public record Face(String id, int label, byte[] pixels) {
  }

  /** All faces of one split of data/sample, by class then file name. */
  public static List<Face> sample(String split) throws IOException {
    FaceNormalizer.loadNatives();
    List<Face> out = new ArrayList<>();
    for (int c = 0; c < LABELS.size(); c++) {
      try (Stream<Path> files = Files.list(repoRoot().resolve("data/sample").resolve(split).resolve(LABELS.get(c)))) {
        for (Path f : files.sorted().toList()) {
          out.add(new Face(f.getFileName().toString(), c, gray48(f)));
        }
      }
    }
    return out;
  }

  static byte[] gray48(Path jpeg) {
    try (Mat m = imread(jpeg.toString(), IMREAD_GRAYSCALE)) {
      if (m.rows() != 48 || m.cols() != 48 || !m.isContinuous()) {
        throw new IllegalStateException(jpeg + " is not a 48x48 image");
      }
      byte[] px = new byte[48 * 48];
      m.data().get(px);
      return px;
    }
  }
}
