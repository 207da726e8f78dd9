package org.ferspark.preprocessing.dataset.synthetic;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.Emotion;

/** A tiny FER2013-like folder-per-class tree of 48×48 grayscale JPEGs, made on the spot (no real data needed). */
final class FerFixture {
  private FerFixture() {
  }

  static Path write(Path root, int perClass) throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    for (Emotion emotion : Emotion.labelSet(7)) {
      Path dir = Files.createDirectories(root.resolve(emotion.label()));
      for (int i = 0; i < perClass; i++) {
        byte[] pixels = new byte[48 * 48];
        int base = random.nextInt(200);
        for (int p = 0; p < pixels.length; p++) {
          pixels[p] = (byte) (base + (p % 48) / 2 + random.nextInt(8));
        }
        try (Mat face = new Mat(48, 48, CV_8UC1)) {
          face.data().put(pixels);
          imwrite(dir.resolve("Training_" + emotion.ordinal() + i + ".jpg").toString(), face);
        }
      }
    }
    return root;
  }
}
