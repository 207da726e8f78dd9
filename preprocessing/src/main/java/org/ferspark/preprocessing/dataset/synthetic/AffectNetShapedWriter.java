package org.ferspark.preprocessing.dataset.synthetic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Writes a synthetic dataset in the official AffectNet v1 layout — {@code Manually_Annotated_Images/<int>/<56
 * hex>.jpg} and {@code Manually_Annotated_file_lists/{training,validation}.csv} — whose faces are FER2013 images
 * upscaled, tinted and placed at a random box on a 320–480 px colour background.
 *
 * <p>Expression codes follow AffectNet (0 Neutral, 1 Happy, 2 Sad, 3 Surprise, 4 Fear, 5 Disgust, 6 Anger,
 * 7 Contempt, 8 None, 9 Uncertain, 10 No-Face); a code-{@code c} row (0–6) shows a FER face of that emotion.
 * Codes 7–9 show a random FER face, code 10 shows none. Output is a pure function of the options: the same
 * seed gives byte-identical files. Existing files of the same names are replaced. Spark-free.
 */
public final class AffectNetShapedWriter {
  public static final String IMAGES_DIR = "Manually_Annotated_Images";
  public static final String LISTS_DIR = "Manually_Annotated_file_lists";
  public static final String HEADER =
      "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal";
  private static final int[] SPECIAL_CODES = {7, 8, 9, 10};
  private static final int NO_FACE = 10;

  private final AffectNetShapedOptions options;
  private final FerTree faces;
  private final Path imageRoot;
  private final Set<Path> createdDirs = new HashSet<>();
  private int imageFiles;

  private AffectNetShapedWriter(Path out, AffectNetShapedOptions options, FerTree faces) {
    this.options = options;
    this.faces = faces;
    this.imageRoot = out.resolve(IMAGES_DIR);
  }

  /** Writes the dataset under {@code out} (created if missing) and returns what was written. */
  public static AffectNetShapedSummary write(Path out, AffectNetShapedOptions options) throws IOException {
    FerTree faces = FerTree.index(options.ferSource());
    List<String> missing = Emotion.labelSet(7).stream().filter(e -> !faces.has(e)).map(Emotion::label).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("FER source " + options.ferSource() + " has no images for " + missing);
    }
    AffectNetShapedWriter writer = new AffectNetShapedWriter(out, options, faces);
    Map<Integer, Integer> trainingByCode = new TreeMap<>();
    Map<Integer, Integer> validationByCode = new TreeMap<>();
    List<String> training = writer.goodRows("training", options.trainingCount(), trainingByCode);
    List<String> validation = writer.goodRows("validation", options.validationCount(), validationByCode);
    Map<BadRowKind, Integer> bad = writer.insertBadRows(training);

    Path lists = Files.createDirectories(out.resolve(LISTS_DIR));
    writeCsv(lists.resolve("training.csv"), training);
    writeCsv(lists.resolve("validation.csv"), validation);
    return new AffectNetShapedSummary(out, trainingByCode, validationByCode, bad, writer.imageFiles);
  }

  private List<String> goodRows(String split, int count, Map<Integer, Integer> byCode) throws IOException {
    List<Integer> codes = codes(count, new SplittableRandom(mix(options.seed(), split + "/codes", 0)));
    List<String> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int code = codes.get(i);
      rows.add(goodRow(split, i, code));
      byCode.merge(code, 1, Integer::sum);
    }
    return rows;
  }

  /** {@code count} codes: the special share cycling 7, 8, 9, 10, the rest cycling 0–6, shuffled. */
  private List<Integer> codes(int count, SplittableRandom random) {
    int special = (int) Math.round(count * options.specialCodeFraction());
    List<Integer> codes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      codes.add(i < special ? SPECIAL_CODES[i % SPECIAL_CODES.length] : (i - special) % 7);
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      codes.set(i, codes.set(j, codes.get(i)));
    }
    return codes;
  }

  private String goodRow(String split, int index, int code) throws IOException {
    SplittableRandom random = new SplittableRandom(mix(options.seed(), split, index));
    Scene scene = Scene.random(random);
    Path face = switch (code) {
      case NO_FACE -> null;
      case 7, 8, 9 -> faces.pickAny(random);
      default -> faces.pick(Emotion.fromAffectNetCode(code).orElseThrow(), random);
    };
    String path = relativePath(split, index, random);
    writeImage(path, SceneRenderer.renderJpeg(scene.width, scene.height, face, scene.box, random,
        options.jpegQuality()));
    return row(path, scene.box, code, random);
  }

  private Map<BadRowKind, Integer> insertBadRows(List<String> training) throws IOException {
    Map<BadRowKind, Integer> counts = new EnumMap<>(BadRowKind.class);
    SplittableRandom positions = new SplittableRandom(mix(options.seed(), "bad/positions", 0));
    for (BadRowKind kind : BadRowKind.values()) {
      for (int j = 0; j < options.badRowsPerKind(); j++) {
        training.add(positions.nextInt(training.size() + 1), badRow(kind, j));
        counts.merge(kind, 1, Integer::sum);
      }
    }
    return counts;
  }

  private String badRow(BadRowKind kind, int index) throws IOException {
    String split = "bad/" + kind.name();
    SplittableRandom random = new SplittableRandom(mix(options.seed(), split, index));
    Scene scene = Scene.random(random);
    int code = random.nextInt(7);
    String path = relativePath(split, index, random);
    FaceBox box = scene.box;
    if (kind != BadRowKind.MISSING_FILE) {
      byte[] jpeg = SceneRenderer.renderJpeg(scene.width, scene.height,
          faces.pick(Emotion.fromAffectNetCode(code).orElseThrow(), random), box, random, options.jpegQuality());
      writeImage(path, switch (kind) {
        case EMPTY_IMAGE -> new byte[0];
        case TRUNCATED_JPEG -> Arrays.copyOf(jpeg, jpeg.length / 3);
        default -> jpeg;
      });
    }
    return switch (kind) {
      case BOX_OUTSIDE_IMAGE -> row(path, new FaceBox(scene.width + 5, box.y(), box.width(), box.height()), code,
          random);
      case ZERO_WIDTH_BOX -> row(path, new FaceBox(box.x(), box.y(), 0, box.height()), code, random);
      case NEGATIVE_WIDTH -> row(path, new FaceBox(box.x(), box.y(), -1, box.height()), code, random);
      case NON_NUMERIC_FACE_X -> row(path, box, code, random).replaceFirst(",\\d+,", ",abc,");
      case MISSING_FIELDS -> String.join(",", path, Integer.toString(box.x()), Integer.toString(box.y()),
          Integer.toString(box.width()));
      default -> row(path, box, code, random);
    };
  }

  private String relativePath(String split, int index, SplittableRandom random) {
    return (1 + random.nextInt(999)) + "/" + hexName(split, index) + ".jpg";
  }

  /** 56 lower-case hex characters, like AffectNet's file names: SHA-224 of (seed, split, index). */
  private String hexName(String split, int index) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-224");
      byte[] key = (options.seed() + "/" + split + "/" + index).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(sha.digest(key));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-224 is required by every Java platform", e);
    }
  }

  private void writeImage(String relativePath, byte[] bytes) throws IOException {
    Path file = imageRoot.resolve(relativePath);
    if (createdDirs.add(file.getParent())) {
      Files.createDirectories(file.getParent());
    }
    Files.write(file, bytes);
    imageFiles++;
  }

  private static String row(String path, FaceBox box, int code, SplittableRandom random) {
    String landmarks = Landmarks68.format(box.x(), box.y(), box.width(), box.height(), random);
    return String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%s,%d,%.6f,%.6f", path, box.x(), box.y(), box.width(),
        box.height(), landmarks, code, 2 * random.nextDouble() - 1, 2 * random.nextDouble() - 1);
  }

  private static void writeCsv(Path file, List<String> rows) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    rows.forEach(r -> sb.append(r).append('\n'));
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  private static long mix(long seed, String stream, int index) {
    long h = seed * 0x9E3779B97F4A7C15L + stream.hashCode();
    return h * 0xBF58476D1CE4E5B9L + index;
  }

  /** Image size and a face box inside it: sides 320–480, box side 120–260, height within ±10% of width. */
  private record Scene(int width, int height, FaceBox box) {
    static Scene random(SplittableRandom random) {
      int width = 320 + random.nextInt(161);
      int height = 320 + random.nextInt(161);
      int boxWidth = 120 + random.nextInt(141);
      int boxHeight = Math.min(height, (int) Math.round(boxWidth * (0.9 + 0.2 * random.nextDouble())));
      int x = random.nextInt(width - boxWidth + 1);
      int y = random.nextInt(height - boxHeight + 1);
      return new Scene(width, height, new FaceBox(x, y, boxWidth, boxHeight));
    }
  }
}
