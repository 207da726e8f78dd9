package org.ferspark.preprocessing.dataset.synthetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * Labelled colour photos made from FER2013 faces, for evaluating on photos ({@code evaluate.sh --images}) where the
 * true face boxes are known: a colour scene (blotches, a gradient or stripes, plus grain) with FER faces upscaled,
 * tinted to a skin-like colour and pasted at given boxes, encoded as JPEG ({@link SceneRenderer}). A set is a
 * folder per class, {@code <out>/<label>/<FER file name>}, one face per photo at a random size and position.
 * Output is a pure function of the arguments: the same seed gives byte-identical files. Spark-free.
 */
public final class FacePhotos {
  /** JPEG quality of the photos. */
  public static final int QUALITY = 92;

  /**
   * One photo of a set.
   *
   * @param file where it was written
   * @param label the true class (its folder)
   * @param face the FER2013 face pasted into it
   * @param box where the face was pasted, in photo pixels
   */
  public record Photo(Path file, Emotion label, Path face, FaceBox box) {
  }

  private FacePhotos() {
  }

  /**
   * JPEG bytes of a {@code width × height} scene with {@code faces.get(i)} (48×48 gray FER files) upscaled into
   * {@code boxes.get(i)}; no faces gives an empty scene.
   */
  public static byte[] scene(int width, int height, List<Path> faces, List<FaceBox> boxes, long seed) {
    FaceNormalizer.loadNatives();
    for (FaceBox b : boxes) {
      if (b.isEmpty() || b.x() < 0 || b.y() < 0 || b.x() + b.width() > width || b.y() + b.height() > height) {
        throw new IllegalArgumentException("face box " + b + " is not inside the " + width + "x" + height + " scene");
      }
    }
    return SceneRenderer.renderJpeg(width, height, faces, boxes, new SplittableRandom(seed), QUALITY);
  }

  /**
   * A square box of side {@code minSide..maxSide} at a random position inside a {@code width × height} scene.
   */
  public static FaceBox randomBox(int width, int height, int minSide, int maxSide, SplittableRandom random) {
    int top = Math.min(maxSide, Math.min(width, height));
    if (minSide < 1 || minSide > top) {
      throw new IllegalArgumentException("no face side in " + minSide + ".." + maxSide + " fits " + width + "x"
          + height);
    }
    int side = minSide + random.nextInt(top - minSide + 1);
    return new FaceBox(random.nextInt(width - side + 1), random.nextInt(height - side + 1), side, side);
  }

  /**
   * Writes {@code perClass} photos of each emotion {@code faces} has (fewer where it has fewer images), each a
   * different FER face drawn at random, in a scene of 320–640 × 240–480 px with the face's side in
   * {@code minSide..maxSide} at a random position: {@code <out>/<label>/<FER file name>}.
   *
   * @return the photos, by class then file name
   */
  public static List<Photo> writeSet(FerTree faces, Path out, int perClass, int minSide, int maxSide, long seed)
      throws IOException {
    if (perClass < 1 || minSide < 8 || maxSide < minSide || maxSide > 240) {
      throw new IllegalArgumentException("need perClass >= 1 and 8 <= minSide <= maxSide <= 240, got " + perClass
          + ", " + minSide + ", " + maxSide);
    }
    List<Photo> photos = new ArrayList<>();
    for (Map.Entry<Emotion, List<Path>> entry : faces.byEmotion().entrySet()) {
      SplittableRandom random = new SplittableRandom(seed * 31 + entry.getKey().ordinal());
      List<Path> pool = new ArrayList<>(entry.getValue());
      for (int i = pool.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        pool.set(i, pool.set(j, pool.get(i)));
      }
      List<Path> chosen = new ArrayList<>(pool.subList(0, Math.min(perClass, pool.size())));
      chosen.sort(null);
      Path dir = Files.createDirectories(out.resolve(entry.getKey().label()));
      for (Path face : chosen) {
        int width = 320 + random.nextInt(321);
        int height = 240 + random.nextInt(241);
        FaceBox box = randomBox(width, height, minSide, maxSide, random);
        Path file = dir.resolve(face.getFileName().toString());
        Files.write(file, scene(width, height, List.of(face), List.of(box), random.nextLong()));
        photos.add(new Photo(file, entry.getKey(), face, box));
      }
    }
    return photos;
  }
}
