package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.dataset.Splits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preprocessing pipeline end to end on a copy of {@code data/sample} (420 FER2013 JPEGs with their own
 * splits): counts, labels, augmentation, determinism, overwrite protection and the Parquet contract, the latter
 * checked with parquet-hadoop's own reader rather than Spark. Runs with Kryo, as conf/spark-defaults.conf does.
 */
class PreprocessPipelineTest {
  private static final int SAMPLE_IMAGES = 420;
  private static final Map<String, Integer> SAMPLE_PER_CLASS = Map.of(
      Splits.TRAIN, 40, Splits.VALIDATION, 10, Splits.TEST, 10);

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Configuration hadoop;
  static Path input;
  static Path out;
  static PreprocessReport report;
  static JsonNode manifest;
  static Map<String, SparkFixture.Tensor> tensors;

  @BeforeAll
  static void runOnSample() throws IOException {
    spark = SparkFixture.start("local[2]", true);
    hadoop = spark.sparkContext().hadoopConfiguration();
    input = tmp.resolve("sample");
    SparkFixture.copyTree(SparkFixture.sampleData(), input);
    out = tmp.resolve("out-seed42");
    report = PreprocessPipeline.run(spark, SparkFixture.settings(input, out,
        Map.of("fer.preprocess.augment-copies", 2, "fer.preprocess.seed", 42)));
    manifest = SparkFixture.manifest(out.toString(), hadoop);
    tensors = SparkFixture.tensors(spark, out.toString());
  }

  @AfterAll
  static void stopSpark() {
    SparkFixture.stop(spark);
  }

  @Test
  void rowCountsPerSplitEqualTheManifest() {
    for (String split : Splits.ALL) {
      List<SparkFixture.Tensor> rows = tensors.values().stream().filter(t -> t.split().equals(split)).toList();
      JsonNode m = manifest.path("splits").path(split);
      assertThat(rows).as("rows in split=%s vs manifest total", split).hasSize(m.path("total").asInt());
      assertThat(rows.stream().filter(t -> t.copy() == 0).count()).as("originals in %s", split)
          .isEqualTo(m.path("original").asLong());
      assertThat(rows.stream().filter(t -> t.copy() > 0).count()).as("augmented in %s", split)
          .isEqualTo(m.path("augmented").asLong());
      for (Emotion e : Emotion.labelSet(7)) {
        assertThat(rows.stream().filter(t -> t.labelName().equals(e.label())).count())
            .as("byClass %s of %s", e.label(), split).isEqualTo(m.path("byClass").path(e.label()).asLong());
        assertThat(rows.stream().filter(t -> t.copy() == 0 && t.labelName().equals(e.label())).count())
            .as("originals of %s in %s: the sample's own split sizes", e.label(), split)
            .isEqualTo(SAMPLE_PER_CLASS.get(split).longValue());
      }
    }
  }

  @Test
  void manifestCountsEqualTheReport() {
    assertThat(manifest.path("inputs").asLong()).as("manifest inputs").isEqualTo(report.inputs())
        .isEqualTo(SAMPLE_IMAGES);
    assertThat(manifest.path("rejected").path("total").asLong()).as("manifest rejected")
        .isEqualTo(report.rejected());
    assertThat(report.format()).as("auto-detected format").isEqualTo("folder");
    long augmented = 0;
    for (String split : Splits.ALL) {
      assertThat(manifest.path("splits").path(split).path("original").asLong()).as("originals of %s", split)
          .isEqualTo(report.originalsBySplit().get(split));
      augmented += manifest.path("splits").path(split).path("augmented").asLong();
    }
    assertThat(augmented).as("augmented copies in manifest vs report").isEqualTo(report.augmented());
    assertThat(manifest.path("schemaVersion").asInt()).as("schemaVersion").isEqualTo(TensorSchema.SCHEMA_VERSION);
    assertThat(manifest.path("inputFingerprint").asText()).as("inputFingerprint").isNotBlank();
    assertThat(manifest.path("config").path("preprocess").path("augment-copies").asInt())
        .as("resolved config recorded in the manifest").isEqualTo(2);
  }

  @Test
  void inputsEqualWrittenPlusRejectedExactly() throws IOException {
    assertThat(report.originals() + report.rejected()).as("written + rejected").isEqualTo(report.inputs());
    assertThat(report.rejected()).as("the sample holds only good images").isZero();
    assertThat(tensors.values().stream().filter(t -> t.copy() == 0).count()).as("original rows read back")
        .isEqualTo(report.originals());
    assertThat(SparkFixture.rejects(out.toString(), hadoop)).as("rejects/ of a clean sample").isEmpty();
  }

  @Test
  void labelsMatchTheFolderEachImageCameFrom() {
    for (SparkFixture.Tensor t : tensors.values()) {
      String[] parts = t.source().split("/");
      String folder = parts[parts.length - 2];
      String splitFolder = parts[parts.length - 3];
      assertThat(t.labelName()).as("label_name of %s", t.source()).isEqualTo(folder);
      assertThat(t.label()).as("label index of %s", t.source())
          .isEqualTo(Emotion.fromName(folder).orElseThrow().index());
      assertThat(t.split()).as("split of %s (the dataset's own split)", t.source()).isEqualTo(splitFolder);
      assertThat(t.height()).as("height").isEqualTo(48);
      assertThat(t.width()).as("width").isEqualTo(48);
      assertThat(t.pixels()).as("pixels of %s", t.id()).hasSize(48 * 48);
    }
  }

  @Test
  void augmentsTrainOriginalsOnlyWithTheRequestedNumberOfCopies() {
    Map<String, List<SparkFixture.Tensor>> copiesByOriginal = tensors.values().stream()
        .filter(t -> t.copy() > 0)
        .collect(Collectors.groupingBy(t -> t.id().substring(0, t.id().indexOf("#aug"))));
    List<SparkFixture.Tensor> originals = tensors.values().stream().filter(t -> t.copy() == 0).toList();
    for (SparkFixture.Tensor o : originals) {
      List<SparkFixture.Tensor> copies = copiesByOriginal.getOrDefault(o.id(), List.of());
      if (o.split().equals(Splits.TRAIN)) {
        assertThat(copies).as("augmented copies of train image %s", o.id()).hasSize(2);
        assertThat(copies).extracting(SparkFixture.Tensor::copy).as("copy indexes").containsExactlyInAnyOrder(1, 2);
        for (SparkFixture.Tensor c : copies) {
          assertThat(c.split()).as("split of %s", c.id()).isEqualTo(Splits.TRAIN);
          assertThat(c.label()).as("label of %s", c.id()).isEqualTo(o.label());
          assertThat(c.source()).as("source of %s", c.id()).isEqualTo(o.source());
          assertThat(c.augmentation()).as("augmentation description of %s", c.id()).isNotBlank();
          if (!isConstant(o.pixels())) {
            assertThat(java.util.Arrays.equals(c.pixels(), o.pixels()))
                .as("pixels of %s equal the original's (a blank image may stay blank)", c.id()).isFalse();
          }
        }
      } else {
        assertThat(copies).as("augmented copies of %s image %s", o.split(), o.id()).isEmpty();
      }
      assertThat(o.augmentation()).as("augmentation of original %s", o.id()).isNull();
    }
    assertThat(copiesByOriginal.values().stream().mapToInt(List::size).sum()).as("all augmented copies")
        .isEqualTo(2 * 7 * 40);
  }

  @Test
  void idsAreUniqueAndNoImageIsInTwoSplits() {
    // SparkFixture.tensors fails on a duplicate id; here: one source per split at most, among originals.
    Map<String, Long> splitsPerSource = tensors.values().stream().filter(t -> t.copy() == 0)
        .collect(Collectors.groupingBy(SparkFixture.Tensor::source, Collectors.counting()));
    assertThat(splitsPerSource.values()).as("originals per source file").allMatch(n -> n == 1);
    assertThat(tensors).as("rows").hasSize(SAMPLE_IMAGES + 2 * 7 * 40);
    // FER2013 itself holds a few pixel-identical images in different splits (e.g. blank frames): counted, not hidden.
    assertThat(report.crossSplitDuplicates()).as("pixel-identical images across splits, report vs manifest")
        .isEqualTo(manifest.path("crossSplitDuplicates").asLong());
  }

  @Test
  void theSameSeedGivesIdenticalTensors() throws IOException {
    Path again = tmp.resolve("out-seed42-again");
    PreprocessPipeline.run(spark, SparkFixture.settings(input, again,
        Map.of("fer.preprocess.augment-copies", 2, "fer.preprocess.seed", 42)));
    assertThat(SparkFixture.fingerprintById(SparkFixture.tensors(spark, again.toString())))
        .as("(id -> split/label/copy/pixels) of two runs with seed 42")
        .isEqualTo(SparkFixture.fingerprintById(tensors));
    assertThat(SparkFixture.manifest(again.toString(), hadoop).path("fingerprint").asText())
        .as("dataset fingerprint").isEqualTo(manifest.path("fingerprint").asText());
  }

  @Test
  void aDifferentSeedChangesAugmentedPixelsButNotOriginals() throws IOException {
    Path other = tmp.resolve("out-seed7");
    PreprocessPipeline.run(spark, SparkFixture.settings(input, other,
        Map.of("fer.preprocess.augment-copies", 2, "fer.preprocess.seed", 7)));
    Map<String, SparkFixture.Tensor> seven = SparkFixture.tensors(spark, other.toString());
    assertThat(seven.keySet()).as("ids with seed 7").isEqualTo(tensors.keySet());
    int changed = 0;
    int augmented = 0;
    for (SparkFixture.Tensor t : tensors.values()) {
      SparkFixture.Tensor s = seven.get(t.id());
      if (t.copy() == 0) {
        assertThat(s.pixels()).as("original %s with another seed", t.id()).isEqualTo(t.pixels());
        assertThat(s.split()).as("split of %s (the dataset's own)", t.id()).isEqualTo(t.split());
      } else {
        augmented++;
        if (!java.util.Arrays.equals(s.pixels(), t.pixels())) {
          changed++;
        }
      }
    }
    assertThat(changed).as("augmented copies whose pixels changed with the seed, of %d", augmented)
        .isGreaterThanOrEqualTo(augmented * 95 / 100);
  }

  @Test
  void refusesAnExistingOutputWithoutOverwriteAndChangesNothing() throws IOException {
    Map<String, Long> before = snapshot(out);
    byte[] manifestBefore = Files.readAllBytes(out.resolve(TensorSchema.MANIFEST));
    assertThatThrownBy(() -> PreprocessPipeline.run(spark, SparkFixture.settings(input, out,
        Map.of("fer.preprocess.augment-copies", 0))))
        .as("a second run into an existing output")
        .isInstanceOf(InputError.class)
        .hasMessageContaining(out.toString())
        .hasMessageContaining("--overwrite");
    assertThat(snapshot(out)).as("files, sizes and times of the existing output").isEqualTo(before);
    assertThat(Files.readAllBytes(out.resolve(TensorSchema.MANIFEST))).as("manifest.json").isEqualTo(manifestBefore);
  }

  @Test
  void overwriteReplacesAnExistingOutput() throws IOException {
    Path small = tmp.resolve("small");
    SparkFixture.copyFirst(input.resolve("train/happy"), small.resolve("happy"), 4);
    SparkFixture.copyFirst(input.resolve("train/sad"), small.resolve("sad"), 4);
    Path target = tmp.resolve("out-replaced");
    PreprocessPipeline.run(spark, SparkFixture.settings(small, target,
        Map.of("fer.preprocess.augment-copies", 2)));
    assertThat(SparkFixture.tensors(spark, target.toString()).values())
        .as("the first run wrote augmented copies").anyMatch(t -> t.copy() > 0);
    PreprocessReport second = PreprocessPipeline.run(spark, SparkFixture.settings(small.toString(),
        target.toString(), true, Map.of("fer.preprocess.augment-copies", 0)));
    Map<String, SparkFixture.Tensor> rows = SparkFixture.tensors(spark, target.toString());
    assertThat(second.augmented()).as("augmented copies of the second run").isZero();
    assertThat(rows).as("rows after --overwrite: originals only, nothing left of the first run")
        .hasSize(8);
    assertThat(rows.values()).as("no augmented copy survives").allMatch(t -> t.copy() == 0);
    assertThat(SparkFixture.manifest(target.toString(), hadoop).path("config").path("preprocess")
        .path("augment-copies").asInt()).as("manifest of the second run").isZero();
  }

  @Test
  void parquetReadByParquetHadoopHasTheDocumentedSchemaAndSplitFolders() throws IOException {
    Path tensorsDir = out.resolve(TensorSchema.TENSORS_DIR);
    try (Stream<Path> dirs = Files.list(tensorsDir)) {
      assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList())
          .as("split folders").containsExactly("split=test", "split=train", "split=validation");
    }
    Map<String, Long> rowsBySplit = new TreeMap<>();
    for (String split : Splits.ALL) {
      List<Path> files;
      try (Stream<Path> s = Files.list(tensorsDir.resolve("split=" + split))) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
      }
      assertThat(files).as("parquet files of split=%s", split).isNotEmpty();
      try (Stream<Path> s = Files.list(tensorsDir.resolve("split=" + split))) {
        assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList())
            .as("checksum sidecars in split=%s (written through the raw local file system)", split).isEmpty();
      }
      for (Path file : files) {
        org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(file.toUri());
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(hp, new Configuration()))) {
          assertDocumentedSchema(reader.getFooter().getFileMetaData().getSchema(), file);
        }
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), hp)
            .withConf(new Configuration()).build()) {
          Group g;
          while ((g = reader.read()) != null) {
            rowsBySplit.merge(split, 1L, Long::sum);
            assertThat(g.getBinary("pixels", 0).length()).as("pixels bytes in %s", file).isEqualTo(48 * 48);
            assertThat(g.getInteger("height", 0)).as("height").isEqualTo(48);
            assertThat(g.getInteger("width", 0)).as("width").isEqualTo(48);
            int label = g.getInteger("label", 0);
            assertThat(g.getString("label_name", 0)).as("label_name of label %d", label)
                .isEqualTo(Emotion.labelNames(7).get(label));
            int copy = g.getInteger("copy", 0);
            assertThat(g.getFieldRepetitionCount("augmentation")).as("augmentation present iff copy > 0 (copy %d)", copy)
                .isEqualTo(copy > 0 ? 1 : 0);
          }
        }
      }
      assertThat(rowsBySplit.get(split)).as("rows of split=%s read by parquet-hadoop", split)
          .isEqualTo(manifest.path("splits").path(split).path("total").asLong());
    }
  }

  private static void assertDocumentedSchema(MessageType schema, Path file) {
    List<String> names = new ArrayList<>();
    schema.getFields().forEach(f -> names.add(f.getName()));
    assertThat(names).as("columns of %s (split comes from the folder)", file)
        .containsExactly("id", "source", "label", "label_name", "pixels", "height", "width", "copy", "augmentation");
    for (String s : List.of("id", "source", "label_name", "augmentation")) {
      PrimitiveType t = schema.getType(s).asPrimitiveType();
      assertThat(t.getPrimitiveTypeName()).as("%s physical type", s).isEqualTo(PrimitiveTypeName.BINARY);
      assertThat(t.getLogicalTypeAnnotation()).as("%s is a UTF-8 string", s)
          .isEqualTo(LogicalTypeAnnotation.stringType());
    }
    for (String s : List.of("label", "height", "width", "copy")) {
      assertThat(schema.getType(s).asPrimitiveType().getPrimitiveTypeName()).as("%s physical type", s)
          .isEqualTo(PrimitiveTypeName.INT32);
    }
    PrimitiveType pixels = schema.getType("pixels").asPrimitiveType();
    assertThat(pixels.getPrimitiveTypeName()).as("pixels physical type").isEqualTo(PrimitiveTypeName.BINARY);
    assertThat(pixels.getLogicalTypeAnnotation()).as("pixels are raw bytes, not a string").isNull();
    assertThat(schema.getType("augmentation").getRepetition()).as("augmentation is nullable")
        .isEqualTo(Type.Repetition.OPTIONAL);
  }

  private static boolean isConstant(byte[] pixels) {
    for (byte b : pixels) {
      if (b != pixels[0]) {
        return false;
      }
    }
    return true;
  }

  /** Relative path → size * 31 + modification time of every file under {@code dir}. */
  private static Map<String, Long> snapshot(Path dir) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          files.put(dir.relativize(p).toString(), Files.size(p) * 31 + Files.getLastModifiedTime(p).toMillis());
        }
      }
    }
    return files;
  }
}
