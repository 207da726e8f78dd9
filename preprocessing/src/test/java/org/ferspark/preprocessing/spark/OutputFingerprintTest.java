package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedOptions;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedWriter;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output of fixed inputs never changes unnoticed: tensors (per split and class, an order-free digest of id,
 * source, label, copy, augmentation and pixels), rejects and the manifest of four runs (the sample with its own
 * splits, class folders split by rank with bad files, an AffectNet-shaped set, a FER2013 CSV without Usage; all with
 * augmented copies) are compared with {@code src/test/resources/golden/preprocess-outputs.txt}, written by the code
 * as it was before the single-pass pipeline of issue 19.
 *
 * <p>Paths are made location-free (the input root becomes {@code <in>}); the class-folder run reads its input
 * through a {@code viewfs://golden/} mount, so its input fingerprint (which hashes each file's URI) is location-free
 * too. The dataset fingerprint also hashes the whole resolved configuration, which other modules extend; it is
 * checked against the golden input fingerprint and this run's configuration. To rewrite the file after an intended
 * change of the output: {@code -Dfer.golden.update=true}, and say why in the commit.
 */
class OutputFingerprintTest {
  private static final String GOLDEN = "golden/preprocess-outputs.txt";

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Configuration hadoop;
  static final Map<String, String> actual = new TreeMap<>();
  static final Map<String, String> shuffledAffectNet = new TreeMap<>();

  @BeforeAll
  static void runAllCases() throws IOException {
    spark = SparkFixture.start("local[2]", true);
    hadoop = spark.sparkContext().hadoopConfiguration();

    Path sample = tmp.resolve("sample");
    SparkFixture.copyTree(SparkFixture.sampleData(), sample);
    run("sample-folder", sample.toString(), sample, false, Map.of("fer.preprocess.augment-copies", 2));

    Path classes = classFolders(tmp.resolve("classes"));
    hadoop.set("fs.viewfs.mounttable.golden.link./classes", classes.toUri().toString());
    run("class-folders", "viewfs://golden/classes", classes, true, Map.of("fer.preprocess.augment-copies", 1,
        "fer.preprocess.seed", 7), "fer.preprocess.augment.brightness=0.2", "fer.preprocess.augment.contrast=0.2",
        "fer.preprocess.augment.erasing-probability=0.5");

    Path affectnet = tmp.resolve("affectnet");
    var written = AffectNetShapedWriter.write(affectnet,
        new AffectNetShapedOptions(SparkFixture.sampleData().resolve("train"), 120, 15, 42L, 0.3, 1, 90));
    addDuplicateRows(written.trainingCsv(), written.validationCsv());
    run("affectnet", affectnet.toString(), affectnet, true, Map.of("fer.preprocess.format", "affectnet",
        "fer.preprocess.augment-copies", 1));
    // the same input through the other listing path: one listing task, rows shuffled to 3 partitions
    run(shuffledAffectNet, "affectnet-shuffled", affectnet.toString(), affectnet, true, Map.of(
        "fer.preprocess.format", "affectnet", "fer.preprocess.augment-copies", 1, "fer.preprocess.partitions", 3));

    Path csv = ferCsv(tmp.resolve("fer2013.csv"));
    run("fer2013-csv", csv.toString(), tmp, true, Map.of("fer.preprocess.augment-copies", 1));
  }

  @AfterAll
  static void stopSpark() {
    SparkFixture.stop(spark);
  }

  @Test
  void outputsEqualTheGoldenFile() throws IOException {
    Path golden = SparkFixture.repoRoot().resolve("preprocessing/src/test/resources").resolve(GOLDEN);
    List<String> lines = new ArrayList<>();
    actual.forEach((k, v) -> lines.add(k + " " + v));
    if (Boolean.getBoolean("fer.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.write(golden, lines, StandardCharsets.UTF_8);
    }
    Map<String, String> expected = new TreeMap<>();
    for (String line : Files.readAllLines(golden, StandardCharsets.UTF_8)) {
      int space = line.indexOf(' ');
      expected.put(line.substring(0, space), line.substring(space + 1));
    }
    assertThat(actual).as("tensor digests, reject digests and manifest fields vs %s", golden)
        .containsExactlyEntriesOf(expected);
  }

  @Test
  void affectNetCsvsReadByATaskPerCoreGiveTheOutputOfOneListingTaskAndAShuffle() {
    assertThat(InputListing.csvCopies(new InputPlan.Csv("affectnet", List.of()), 2, 1 << 20, 0))
        .as("the golden run reads the CSVs in a task per core").isEqualTo(2);
    Map<String, String> expected = new TreeMap<>();
    actual.forEach((k, v) -> {
      if (k.startsWith("affectnet.")) {
        expected.put(k.substring("affectnet.".length()), v);
      }
    });
    Map<String, String> shuffled = new TreeMap<>();
    shuffledAffectNet.forEach((k, v) -> shuffled.put(k.substring("affectnet-shuffled.".length()), v));
    assertThat(shuffled).as("fer.preprocess.partitions = 3 (one listing task, SplitAssigner's shuffle) vs default")
        .containsExactlyEntriesOf(expected);
  }

  @Test
  void csvsAreReadByATaskPerCoreOnlyWhenThatIsCheap() {
    InputPlan affectnet = new InputPlan.Csv("affectnet", List.of());
    assertThat(InputListing.csvCopies(affectnet, 4, 8 << 20, 0)).as("4 x 8 MB").isEqualTo(4);
    assertThat(InputListing.csvCopies(affectnet, 4, 40 << 20, 0)).as("4 x 40 MB").isEqualTo(1);
    assertThat(InputListing.csvCopies(affectnet, 1, 1 << 20, 0)).as("one core").isEqualTo(1);
    assertThat(InputListing.csvCopies(affectnet, 4, 1 << 20, 6)).as("partitions requested").isEqualTo(1);
    assertThat(InputListing.csvCopies(new InputPlan.Csv("fer2013-csv", List.of()), 4, 1 << 20, 0))
        .as("FER2013 CSVs: a task per file").isEqualTo(1);
  }

  @Test
  void javaFingerprintOfARecordEqualsSparksXxhash64() {
    List<InputRecord> records = List.of(
        InputRecord.image("happy/a.jpg", "file:/x/happy/a.jpg", 3, null, "default", null, 1234),
        InputRecord.image("t/é ü/b.png", "file:/x/t/é ü/b.png", 0, "train", null, new FaceBox(-3, 4, 50, 60), 0),
        InputRecord.rejected("smile/c.jpg", "file:/x/smile/c.jpg", "unknown-label", "not a label"),
        new InputRecord("f.csv:2", "f.csv line 2", null, "1 2 3 4", 6, "test", null, null, -1, null, null));
    List<Row> rows = records.stream().map(r -> RowFactory.create(r.id(), r.source(), r.label(), r.split(),
        r.box() == null ? null : r.box().x(), r.box() == null ? null : r.box().y(),
        r.box() == null ? null : r.box().width(), r.box() == null ? null : r.box().height(), r.fileSize(),
        r.inlinePixels())).toList();
    StructType schema = new StructType().add("id", "string").add("source", "string").add("label", "int")
        .add("split", "string").add("box_x", "int").add("box_y", "int").add("box_w", "int").add("box_h", "int")
        .add("file_size", "long").add("inline_pixels", "string");
    List<Long> spark = OutputFingerprintTest.spark.createDataFrame(rows, schema)
        .select(functions.xxhash64(Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new)))
        .collectAsList().stream().map(r -> r.getLong(0)).toList();
    assertThat(records.stream().map(TensorSchema::fingerprint).toList()).as("TensorSchema.fingerprint vs xxhash64")
        .isEqualTo(spark);
  }

  @Test
  void rankingAndDuplicateChecksInTheListingGiveTheSqlWindowsResult() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    List<InputRecord> records = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int label = random.nextInt(3);
      String id = "c" + label + "/" + Long.toHexString(random.nextLong()) + ".jpg";
      records.add(i % 50 == 7 ? InputRecord.rejected(id, "t.csv line " + i, "excluded-none", "code 8")
          : InputRecord.image(id, "t.csv line " + i, label, null, "default", null, i));
    }
    records.add(InputRecord.image("c1/own.jpg", "v.csv line 2", 1, "test", null, null, 1));
    for (int i : new int[] {3, 7, 40, 57}) { // listed again: in the same pool, with its own split, after a reject
      InputRecord r = records.get(i);
      records.add(InputRecord.image(r.id(), "u.csv line " + i, 1, i == 40 ? "test" : null, i == 40 ? null : "default",
          null, 2));
    }
    Map<String, Map<String, Double>> ratios = Map.of("default", Map.of("train", 0.7, "validation", 0.2, "test", 0.1));
    Map<String, String> listing = new TreeMap<>();
    ClassRanks.assign(Duplicates.reject(records), 11L, ratios)
        .forEach(r -> listing.put(r.source(), r.split() + " " + r.rejectReason() + " " + r.rejectDetail()));
    Map<String, String> sql = new TreeMap<>();
    var rows = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(records.stream().map(TensorSchema::toInternalRow).toList(), 2);
    SplitAssigner.assign(spark.internalCreateDataFrame(rows.rdd(), TensorSchema.INPUT, false), 11L, ratios,
            new SplitAssigner.Needs(true, true, false), 0)
        .select("source", "split", "reject_reason", "reject_detail").collectAsList()
        .forEach(r -> sql.put(r.getString(0), r.getString(1) + " " + r.getString(2) + " " + r.getString(3)));
    assertThat(listing).as("splits and rejects from the listing task vs from SplitAssigner's windows").isEqualTo(sql);
    assertThat(listing.values()).as("all three splits used, duplicates rejected")
        .anyMatch(v -> v.startsWith("train ")).anyMatch(v -> v.startsWith("validation "))
        .anyMatch(v -> v.startsWith("test ")).anyMatch(v -> v.contains(" duplicate-input "));
  }

  /** Runs one case and records its location-free digests under {@code name.*}. */
  private static void run(String name, String input, Path root, boolean fingerprintIsLocationFree,
      Map<String, Object> flags, String... sets) throws IOException {
    run(actual, name, input, root, fingerprintIsLocationFree, flags, sets);
  }

  private static void run(Map<String, String> into, String name, String input, Path root,
      boolean fingerprintIsLocationFree, Map<String, Object> flags, String... sets) throws IOException {
    Path out = tmp.resolve("out-" + name);
    PreprocessSettings settings = SparkFixture.settings(input, out.toString(), false, flags, sets);
    PreprocessReport report = PreprocessPipeline.run(spark, settings);
    String[] roots = {input, root.toUri().toString(), "file:" + root, root.toString()};

    Map<String, List<String>> groups = new TreeMap<>();
    for (SparkFixture.Tensor t : SparkFixture.tensors(spark, out.toString()).values()) {
      String group = t.split() + "/" + t.labelName() + "/" + (t.copy() == 0 ? "original" : "augmented");
      groups.computeIfAbsent(group, g -> new ArrayList<>()).add(String.join("|", t.id(), free(t.source(), roots),
          String.valueOf(t.label()), String.valueOf(t.copy()), String.valueOf(t.augmentation()),
          t.height() + "x" + t.width(), digest(List.of(HexFormat.of().formatHex(t.pixels())))));
    }
    groups.forEach((g, rows) -> into.put(name + ".tensors." + g, rows.size() + " " + digest(rows)));

    List<String> rejects = new ArrayList<>();
    for (SparkFixture.Reject r : SparkFixture.rejects(out.toString(), hadoop)) {
      rejects.add(String.join("|", free(r.source(), roots), r.id(), r.reason(), free(r.detail(), roots)));
    }
    into.put(name + ".rejects", rejects.size() + " " + digest(rejects));

    JsonNode manifest = SparkFixture.manifest(out.toString(), hadoop);
    flatten(name + ".manifest", manifest, into);
    for (String volatileKey : List.of("createdAt", "fingerprint", "input")) {
      into.remove(name + ".manifest." + volatileKey);
    }
    into.keySet().removeIf(k -> k.startsWith(name + ".manifest.config."));
    if (!fingerprintIsLocationFree) {
      into.remove(name + ".manifest.inputFingerprint");
    }
    assertThat(manifest.path("config")).as("%s: manifest config", name)
        .isEqualTo(SparkFixture.JSON.readTree(settings.configJson()));
    assertThat(manifest.path("fingerprint").asText()).as("%s: dataset fingerprint from input fingerprint + config",
        name).isEqualTo(Manifest.fingerprint(manifest.path("inputFingerprint").asText(), settings.configJson()));
    into.put(name + ".report", report.inputs() + " inputs " + report.originals() + " originals "
        + report.augmented() + " augmented " + report.rejected() + " rejected " + report.rejectedByReason()
        + " " + report.originalsBySplit() + " duplicates " + report.crossSplitDuplicates());
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix + "." + e.getKey(), e.getValue(), into));
    } else {
      into.put(prefix, node.toString());
    }
  }

  private static String free(String text, String[] roots) {
    if (text == null) {
      return "null";
    }
    for (String root : roots) {
      text = text.replace(root.endsWith("/") ? root.substring(0, root.length() - 1) : root, "<in>");
    }
    return text;
  }

  /** 16 hex digits of SHA-256 over the sorted lines. */
  private static String digest(List<String> lines) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      lines.stream().sorted().forEach(l -> sha.update((l + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** 20 sample faces per class (one nested a level down) and bad entries of each kind the listing meets. */
  private static Path classFolders(Path root) throws IOException {
    Path train = SparkFixture.sampleData().resolve("train");
    try (var labels = Files.list(train)) {
      for (Path label : labels.sorted().toList()) {
        SparkFixture.copyFirst(label, root.resolve(label.getFileName().toString()), 20);
      }
    }
    Path nested = Files.createDirectories(root.resolve("fear/sub"));
    SparkFixture.copyFirst(train.resolve("fear"), nested, 1);
    Files.write(root.resolve("happy/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2});
    Files.write(root.resolve("sad/empty.jpg"), new byte[0]);
    Files.write(Files.createDirectories(root.resolve("smile")).resolve("x.jpg"), new byte[] {1});
    Files.write(root.resolve("stray.jpg"), new byte[] {2});
    Files.write(Files.createDirectories(root.resolve(".hidden")).resolve("h.jpg"), new byte[] {3});
    return root;
  }

  /** Lists two training rows again in training.csv and one in validation.csv: {@code duplicate-input}. */
  private static void addDuplicateRows(Path training, Path validation) throws IOException {
    List<String> rows = Files.readAllLines(training, StandardCharsets.UTF_8);
    Files.write(training, List.of(rows.get(1), rows.get(4)), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    Files.write(validation, List.of(rows.get(2)), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** 70 rows without a Usage column (split by rank) and three bad rows. */
  private static Path ferCsv(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    List<String> lines = new ArrayList<>(List.of("emotion,pixels"));
    for (int i = 0; i < 70; i++) {
      StringBuilder pixels = new StringBuilder();
      for (int p = 0; p < 48 * 48; p++) {
        pixels.append(p == 0 ? "" : " ").append(random.nextInt(256));
      }
      lines.add((i % 7) + "," + pixels);
      if (i == 10) {
        lines.add("9," + pixels);
      } else if (i == 20) {
        lines.add("3,1 2 3");
      } else if (i == 30) {
        lines.add("2,x y z w");
      }
    }
    return Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
