package org.ferspark.preprocessing.dataset.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AffectNetShapedWriterTest {
  @TempDir static Path tmp;
  static Path fer;
  static AffectNetShapedSummary summary;

  @BeforeAll
  static void writeDataset() throws IOException {
    fer = FerFixture.write(tmp.resolve("fer"), 3);
    summary = AffectNetShapedWriter.write(tmp.resolve("affectnet"), AffectNetShapedOptions.of(fer, 30)
        .withValidationCount(10).withSpecialCodeFraction(0.2).withBadRowsPerKind(1).withSeed(11));
  }

  @Test
  void writesTheOfficialHeaderAndLayout() throws IOException {
    for (Path csv : List.of(summary.trainingCsv(), summary.validationCsv())) {
      assertThat(Files.readAllLines(csv).get(0)).as(csv.toString()).isEqualTo(
          "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal");
    }
    assertThat(summary.trainingCsv())
        .isEqualTo(tmp.resolve("affectnet/Manually_Annotated_file_lists/training.csv"));
    for (String[] row : goodRows(summary.trainingCsv())) {
      assertThat(row[0]).as("path").matches("[1-9][0-9]*/[0-9a-f]{56}\\.jpg");
      assertThat(row[5].split(";")).as("landmarks of %s", row[0]).hasSize(136)
          .allSatisfy(v -> assertThat(Double.parseDouble(v)).isFinite());
      assertThat(Double.parseDouble(row[7])).as("valence").isBetween(-1.0, 1.0);
      assertThat(Double.parseDouble(row[8])).as("arousal").isBetween(-1.0, 1.0);
    }
  }

  @Test
  void writesTheRequestedCodes() throws IOException {
    // training: 30 rows, 6 special (7, 8, 9, 10, 7, 8), 24 cycling 0-6; validation: 10 rows, 2 special (7, 8)
    assertThat(summary.trainingByCode()).isEqualTo(counts(4, 4, 4, 3, 3, 3, 3, 2, 2, 1, 1));
    assertThat(summary.validationByCode()).isEqualTo(counts(2, 1, 1, 1, 1, 1, 1, 1, 1));
    assertThat(countCodes(goodRows(summary.trainingCsv()))).isEqualTo(summary.trainingByCode());
    assertThat(countCodes(goodRows(summary.validationCsv()))).isEqualTo(summary.validationByCode());
  }

  @Test
  void placesEveryGoodBoxInsideItsColourImage() throws IOException {
    for (Path csv : List.of(summary.trainingCsv(), summary.validationCsv())) {
      for (String[] row : goodRows(csv)) {
        int x = Integer.parseInt(row[1]);
        int y = Integer.parseInt(row[2]);
        int w = Integer.parseInt(row[3]);
        int h = Integer.parseInt(row[4]);
        try (Mat image = imread(summary.imageRoot().resolve(row[0]).toString(), IMREAD_UNCHANGED)) {
          assertThat(image.empty()).as("decodes %s", row[0]).isFalse();
          assertThat(image.channels()).as("colour %s", row[0]).isEqualTo(3);
          assertThat(image.cols()).as("width").isBetween(320, 480);
          assertThat(image.rows()).as("height").isBetween(320, 480);
          assertThat(w).as("box width").isBetween(120, 260);
          assertThat(h).as("box height").isGreaterThan(100);
          assertThat(x >= 0 && y >= 0 && x + w <= image.cols() && y + h <= image.rows())
              .as("box %d,%d %dx%d inside %dx%d", x, y, w, h, image.cols(), image.rows()).isTrue();
        }
      }
    }
  }

  @Test
  void writesOneRowOfEveryBadKindAndAccountsForAllRows() throws IOException {
    Map<BadRowKind, Integer> seen = new EnumMap<>(BadRowKind.class);
    int good = 0;
    List<String> lines = Files.readAllLines(summary.trainingCsv());
    for (String line : lines.subList(1, lines.size())) {
      BadRowKind kind = classify(line.split(",", -1));
      if (kind == null) {
        good++;
      } else {
        seen.merge(kind, 1, Integer::sum);
      }
    }
    assertThat(seen).hasSize(BadRowKind.values().length).isEqualTo(summary.badRows());
    assertThat(good).isEqualTo(30);
    assertThat(summary.totalRows()).isEqualTo(30 + 10 + 8);
    try (Stream<Path> files = Files.walk(summary.imageRoot())) {
      assertThat(files.filter(Files::isRegularFile).count()).as("image files")
          .isEqualTo(summary.imageFiles()).isEqualTo(30 + 10 + 7);
    }
  }

  @Test
  void sameSeedGivesSameBytesAndAnotherSeedDoesNot() throws IOException {
    AffectNetShapedOptions options = AffectNetShapedOptions.of(fer, 6).withValidationCount(2)
        .withSpecialCodeFraction(0.5).withBadRowsPerKind(1).withSeed(5);
    Map<String, byte[]> first = contents(AffectNetShapedWriter.write(tmp.resolve("a"), options).root());
    Map<String, byte[]> second = contents(AffectNetShapedWriter.write(tmp.resolve("b"), options).root());
    Map<String, byte[]> other = contents(AffectNetShapedWriter.write(tmp.resolve("c"), options.withSeed(6)).root());
    assertThat(second.keySet()).isEqualTo(first.keySet());
    first.forEach((name, bytes) -> assertThat(Arrays.equals(bytes, second.get(name))).as(name).isTrue());
    assertThat(Arrays.equals(first.get("Manually_Annotated_file_lists/training.csv"),
        other.get("Manually_Annotated_file_lists/training.csv"))).isFalse();
  }

  @Test
  void refusesASourceWithoutEverySevenClasses() throws IOException {
    Path partial = Files.createDirectories(tmp.resolve("partial"));
    Files.createDirectories(partial.resolve("happy"));
    Files.copy(Files.list(fer.resolve("happy")).findFirst().orElseThrow(), partial.resolve("happy/1.jpg"));
    assertThatThrownBy(() -> AffectNetShapedWriter.write(tmp.resolve("x"), AffectNetShapedOptions.of(partial, 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("angry");
    assertThatThrownBy(() -> AffectNetShapedOptions.of(fer, 3).withSpecialCodeFraction(1.5))
        .hasMessageContaining("specialCodeFraction");
  }

  /** Independent of the writer: decides from the row and the file alone what, if anything, is wrong. */
  private static BadRowKind classify(String[] row) throws IOException {
    if (row.length < 9) {
      return BadRowKind.MISSING_FIELDS;
    }
    if (!row[1].matches("-?\\d+")) {
      return BadRowKind.NON_NUMERIC_FACE_X;
    }
    Path file = summary.imageRoot().resolve(row[0]);
    if (!Files.exists(file)) {
      return BadRowKind.MISSING_FILE;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length == 0) {
      return BadRowKind.EMPTY_IMAGE;
    }
    if ((bytes[bytes.length - 2] & 0xff) != 0xFF || (bytes[bytes.length - 1] & 0xff) != 0xD9) {
      return BadRowKind.TRUNCATED_JPEG;
    }
    int width = Integer.parseInt(row[3]);
    if (width == 0) {
      return BadRowKind.ZERO_WIDTH_BOX;
    }
    if (width < 0) {
      return BadRowKind.NEGATIVE_WIDTH;
    }
    try (Mat image = imread(file.toString(), IMREAD_UNCHANGED)) {
      return Integer.parseInt(row[1]) >= image.cols() ? BadRowKind.BOX_OUTSIDE_IMAGE : null;
    }
  }

  private static List<String[]> goodRows(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1))
        .filter(r -> {
          try {
            return classify(r) == null;
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }).toList();
  }

  /** Code → rows for codes 0, 1, … in order. */
  private static Map<Integer, Integer> counts(int... perCode) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int code = 0; code < perCode.length; code++) {
      counts.put(code, perCode[code]);
    }
    return counts;
  }

  private static Map<Integer, Integer> countCodes(List<String[]> rows) {
    Map<Integer, Integer> counts = new HashMap<>();
    rows.forEach(r -> counts.merge(Integer.parseInt(r[6]), 1, Integer::sum));
    return counts;
  }

  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> map = new HashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        map.put(root.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return map;
  }
}
