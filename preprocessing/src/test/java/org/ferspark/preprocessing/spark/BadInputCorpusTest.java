package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "what bad input gets" contract: every kind of bad file or CSV row becomes exactly one reject with its own
 * reason code, the job never dies on one record, and {@code inputs == written + rejected} exactly; a wholly
 * unusable input (empty folder, missing path) is one {@link InputError} naming the path.
 */
class BadInputCorpusTest {
  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Configuration hadoop;

  @BeforeAll
  static void startSpark() {
    spark = SparkFixture.start("local[2]", false);
    hadoop = spark.sparkContext().hadoopConfiguration();
  }

  @AfterAll
  static void stopSpark() {
    SparkFixture.stop(spark);
  }

  @Test
  void rejectsEachBadFileWithItsOwnReasonAndAccountsForEveryInput() throws IOException {
    Path root = tmp.resolve("folder");
    Path sample = SparkFixture.sampleData().resolve("train");
    List<Path> good = new java.util.ArrayList<>();
    good.addAll(SparkFixture.copyFirst(sample.resolve("happy"), root.resolve("happy"), 3));
    good.addAll(SparkFixture.copyFirst(sample.resolve("sad"), root.resolve("sad"), 3));
    byte[] jpeg = Files.readAllBytes(good.get(0));

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(write(root, "happy/empty.jpg", new byte[0]), "empty-file");
    expected.put(write(root, "happy/truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 3)), "truncated-image");
    expected.put(write(root, "sad/random.jpg", randomBytes(4096)), "unsupported-format");
    expected.put(write(root, "sad/notes.txt", "not an image\n".getBytes(StandardCharsets.UTF_8)), "unsupported-format");
    expected.put(write(root, "sad/huge.png", pngHeader(50_000, 50_000)), "image-too-large");
    expected.put(write(root, "happy/anim.gif", gifHeader(10, 10)), "unsupported-format");
    expected.put(write(root, "smiling/face.jpg", jpeg), "unknown-label");
    expected.put(write(root, "stray.jpg", jpeg), "unknown-label");
    Path fifo = root.resolve("happy/pipe.jpg");
    try {
      assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).as("mkfifo").isZero();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    expected.put("happy/pipe.jpg", "not-a-regular-file");
    Files.createSymbolicLink(root.resolve("sad/loop"), root);
    expected.put("sad/loop", "symlink-loop");
    write(root, "happy/.DS_Store", new byte[] {1, 2, 3});
    write(root, ".thumbs/happy/x.jpg", jpeg);

    Path out = tmp.resolve("out-folder");
    PreprocessReport report = PreprocessPipeline.run(spark, SparkFixture.settings(root, out, Map.of()));

    List<SparkFixture.Reject> rejects = SparkFixture.rejects(out.toString(), hadoop);
    Map<String, String> actual = rejects.stream()
        .collect(Collectors.toMap(SparkFixture.Reject::id, SparkFixture.Reject::reason, (a, b) -> a + "," + b, TreeMap::new));
    assertThat(actual).as("reason code per rejected file (hidden files ignored)").isEqualTo(new TreeMap<>(expected));
    for (SparkFixture.Reject r : rejects) {
      assertThat(r.source()).as("source of %s names the file", r.id()).endsWith("/" + r.id());
      assertThat(r.detail()).as("detail of %s", r.id()).isNotBlank();
    }
    assertThat(detailOf(rejects, "sad/huge.png")).as("refused from the PNG header, before decoding")
        .contains("50000").contains("max-pixels");
    assertThat(detailOf(rejects, "smiling/face.jpg")).as("names the unknown folder").contains("smiling");

    JsonNode manifest = SparkFixture.manifest(out.toString(), hadoop);
    Map<String, Long> byReason = expected.values().stream()
        .collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
    assertThat(SparkFixture.manifestByReason(manifest)).as("manifest rejected.byReason").isEqualTo(byReason);
    assertThat(report.rejectedByReason()).as("report rejectedByReason").isEqualTo(byReason);
    assertAccounting(manifest, report, good.size(), expected.size(), out);
  }

  @Test
  void rejectsEachBadFer2013CsvRowWithItsLineAndReason() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("csv"));
    SplittableRandom random = new SplittableRandom(3);
    String pixels = pixels(random, 48 * 48, 255);
    List<String> lines = new java.util.ArrayList<>(List.of("emotion,pixels,Usage"));
    int goodRows = 0;
    for (String usage : List.of("Training", "Training", "Training", "PublicTest", "PrivateTest")) {
      lines.add((goodRows % 7) + "," + pixels(random, 48 * 48, 255) + "," + usage);
      goodRows++;
    }
    Map<Integer, String> expected = new TreeMap<>();
    Map<Integer, String> detail = new TreeMap<>();
    addBad(lines, expected, detail, "3", "bad-csv-row", "fields");
    addBad(lines, expected, detail, "x," + pixels + ",Training", "bad-csv-row", "not a number");
    addBad(lines, expected, detail, "3," + pixels(random, 48 * 48 - 1, 255) + ",Training", "bad-csv-row", "2303");
    addBad(lines, expected, detail, "3," + pixels.replaceFirst("^\\d+", "256") + ",PublicTest", "bad-csv-row", "256");
    addBad(lines, expected, detail, "3," + pixels + ",Holdout", "bad-csv-row", "Holdout");
    addBad(lines, expected, detail, "3,,Training", "bad-csv-row", "empty");
    addBad(lines, expected, detail, "9," + pixels + ",Training", "unknown-label", "9");
    lines.add((goodRows % 7) + "," + pixels(random, 48 * 48, 255) + ",Training");
    goodRows++;
    Files.write(dir.resolve("fer2013.csv"), lines, StandardCharsets.UTF_8);

    Path out = tmp.resolve("out-csv");
    PreprocessReport report = PreprocessPipeline.run(spark, SparkFixture.settings(dir, out, Map.of()));
    assertThat(report.format()).as("auto-detected format of a folder with one CSV").isEqualTo("fer2013-csv");

    List<SparkFixture.Reject> rejects = SparkFixture.rejects(out.toString(), hadoop);
    Map<String, String> bySource = rejects.stream()
        .collect(Collectors.toMap(SparkFixture.Reject::source, SparkFixture.Reject::reason, (a, b) -> a + "," + b, TreeMap::new));
    Map<String, String> expectedBySource = new TreeMap<>();
    expected.forEach((line, reason) -> expectedBySource.put("fer2013.csv line " + line, reason));
    assertThat(bySource).as("reason per CSV line (source = 'file.csv line N')").isEqualTo(expectedBySource);
    for (SparkFixture.Reject r : rejects) {
      int line = Integer.parseInt(r.source().substring("fer2013.csv line ".length()));
      assertThat(r.detail()).as("detail of line %d", line).contains(detail.get(line));
    }
    JsonNode manifest = SparkFixture.manifest(out.toString(), hadoop);
    assertThat(SparkFixture.manifestByReason(manifest)).as("manifest rejected.byReason")
        .isEqualTo(Map.of("bad-csv-row", 6L, "unknown-label", 1L));
    assertAccounting(manifest, report, goodRows, expected.size(), out);
    assertThat(manifest.path("splits").path("validation").path("original").asLong()).as("PublicTest rows")
        .isEqualTo(1);
    assertThat(manifest.path("splits").path("test").path("original").asLong()).as("PrivateTest rows").isEqualTo(1);
  }

  @Test
  void anEmptyInputFolderIsOneInputErrorNamingThePath() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty-input"));
    Path out = tmp.resolve("out-empty");
    assertThatThrownBy(() -> PreprocessPipeline.run(spark, SparkFixture.settings(empty, out,
        Map.of("fer.preprocess.format", "folder"))))
        .as("preprocessing an empty folder")
        .isInstanceOf(InputError.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("empty");
    assertThat(out.resolve(TensorSchema.MANIFEST)).as("no manifest for a failed run").doesNotExist();
  }

  @Test
  void anEmptyInputFolderWithAutoFormatIsOneInputErrorNamingThePath() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty-auto"));
    assertThatThrownBy(() -> PreprocessPipeline.run(spark, SparkFixture.settings(empty, tmp.resolve("out-ea"),
        Map.of())))
        .as("preprocessing an empty folder, format detected")
        .isInstanceOf(InputError.class)
        .hasMessageContaining(empty.toString());
  }

  @Test
  void aMissingInputPathIsOneInputErrorNamingThePath() {
    Path missing = tmp.resolve("no-such-dataset");
    assertThatThrownBy(() -> PreprocessPipeline.run(spark, SparkFixture.settings(missing, tmp.resolve("out-missing"),
        Map.of())))
        .as("preprocessing a path that does not exist")
        .isInstanceOf(InputError.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void aMissingInputLeavesAnExistingOutputInPlaceEvenWithOverwrite() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("out-kept"));
    Path manifest = Files.writeString(out.resolve("manifest.json"), "{\"previous\": true}");
    PreprocessSettings settings = SparkFixture.settings(tmp.resolve("no-such-input").toString(), out.toString(), true,
        Map.of());
    assertThatThrownBy(() -> PreprocessPipeline.run(spark, settings))
        .as("a missing input with --overwrite")
        .isInstanceOf(InputError.class);
    assertThat(manifest).as("the previous output's manifest survives a failed run").content()
        .isEqualTo("{\"previous\": true}");
  }

  private static void assertAccounting(JsonNode manifest, PreprocessReport report, long written, long rejected,
      Path out) {
    assertThat(report.originals()).as("written").isEqualTo(written);
    assertThat(report.rejected()).as("rejected").isEqualTo(rejected);
    assertThat(manifest.path("inputs").asLong()).as("manifest inputs == written + rejected")
        .isEqualTo(written + rejected).isEqualTo(report.inputs());
    assertThat(manifest.path("rejected").path("total").asLong()).as("manifest rejected.total").isEqualTo(rejected);
    long originals = 0;
    for (String split : List.of("train", "validation", "test")) {
      originals += manifest.path("splits").path(split).path("original").asLong();
    }
    assertThat(originals).as("manifest originals").isEqualTo(written);
    assertThat(SparkFixture.tensors(spark, out.toString())).as("tensor rows read back").hasSize((int) written);
  }

  private static void addBad(List<String> lines, Map<Integer, String> expected, Map<Integer, String> detail,
      String line, String reason, String detailPart) {
    lines.add(line);
    expected.put(lines.size(), reason);
    detail.put(lines.size(), detailPart);
  }

  private static String detailOf(List<SparkFixture.Reject> rejects, String id) {
    return rejects.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow().detail();
  }

  private static String write(Path root, String relative, byte[] bytes) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return relative;
  }

  private static String pixels(SplittableRandom random, int n, int max) {
    return IntStream.range(0, n).mapToObj(i -> Integer.toString(random.nextInt(max + 1)))
        .collect(Collectors.joining(" "));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SplittableRandom(11).nextBytes(bytes);
    bytes[0] = 0; // no image magic
    return bytes;
  }

  /** A PNG signature and IHDR chunk (correct CRC) declaring {@code width × height}, no pixel data. */
  static byte[] pngHeader(int width, int height) {
    ByteBuffer chunk = ByteBuffer.allocate(17);
    chunk.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height).put(new byte[] {8, 0, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(chunk.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4 + 12);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}).putInt(13).put(chunk.array());
    png.putInt((int) crc.getValue());
    png.putInt(0).put("IEND".getBytes(StandardCharsets.US_ASCII)).putInt(0xAE426082);
    return png.array();
  }

  private static byte[] gifHeader(int width, int height) {
    return new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) width, 0, (byte) height, 0, 0, 0, 0, ';'};
  }
}
