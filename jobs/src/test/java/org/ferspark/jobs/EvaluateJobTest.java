package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.metrics.ConfusionMatrixCsv;
import org.ferspark.evaluation.metrics.MetricsJson;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.spark.EvaluationPipeline;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation job on data/sample preprocessed by the real pipeline with untrained tiny-cnn models; one local[2]
 * session for the class (the full command line runs last: the job stops the session it finds).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluateJobTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PEER = Path.of(System.getProperty("fer.repo.root", ".."))
      .resolve("../shared/peers/mini_xception_fer2013.hdf5").normalize();
  @TempDir static Path shared;
  @TempDir Path tmp;
  static SparkSession spark;
  static String data;
  static Path modelA;
  static Path modelB;

  @BeforeAll
  static void sessionTensorsAndModels() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("EvaluateJobTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .getOrCreate();
    data = shared.resolve("sample").toString();
    String input = Path.of(System.getProperty("fer.repo.root", ".."))
      .resolve("data/sample").toString();
    PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()), input, data,
        true));
    modelA = tinyModel(shared.resolve("a.zip"), 1);
    modelB = tinyModel(shared.resolve("b.zip"), 2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Path tinyModel(Path file, long seed) throws IOException {
    ComputationGraph g = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7).withSeed(seed));
    ModelFile.save(g, ModelMetadata.of(Emotion.labelNames(7), "tiny-cnn", Map.of(), "test"), file, false);
    return file;
  }

  @Test
  @Order(1)
  void oneModelWritesItsFilesAtTheTopLevelAndSeveralGetFoldersAndAComparison() throws IOException {
    EvaluateSettings settings = EvaluateSettings.from(FerConfig.load(null, List.of(), Map.of()));
    Path one = tmp.resolve("one");
    EvaluateJob.Report r = EvaluateJob.run(spark, EvaluationPipeline.prepare(data, "test",
        List.of(ModelSpec.fer(modelA.toString())), new Configuration()), settings, one, false);
    assertThat(names(one)).as("no curves.png: this model file has no training history").containsExactly(
        ConfusionMatrixCsv.COUNTS, "confusion_matrix.png", ConfusionMatrixCsv.NORMALIZED, "index.html",
        MetricsJson.METRICS, "reliability.png", "risk_coverage.png", "samples.png");
    assertThat(r.files()).hasSize(4).last().isEqualTo(one.resolve("index.html"));
    JsonNode metrics = JSON.readTree(one.resolve(MetricsJson.METRICS).toFile());
    assertThat(metrics.path("examples").asLong()).isEqualTo(70);
    assertThat(metrics.path("model").path("name").asText()).isEqualTo("a");
    assertThat(Files.readAllLines(one.resolve(ConfusionMatrixCsv.COUNTS))).hasSize(8);

    Path two = tmp.resolve("two");
    EvaluateJob.run(spark, EvaluationPipeline.prepare(data, "test", List.of(ModelSpec.fer(modelA.toString()),
        ModelSpec.fer(modelB.toString())), new Configuration()), settings, two, false);
    assertThat(names(two)).containsExactly("a", "b", MetricsJson.COMPARISON, "index.html");
    assertThat(names(two.resolve("b"))).containsExactly(ConfusionMatrixCsv.COUNTS, "confusion_matrix.png",
        ConfusionMatrixCsv.NORMALIZED, "index.html", MetricsJson.METRICS, "reliability.png", "risk_coverage.png",
        "samples.png");
    JsonNode comparison = JSON.readTree(two.resolve(MetricsJson.COMPARISON).toFile());
    assertThat(comparison.path("models")).hasSize(2);
    assertThat(comparison.path("mcnemar")).hasSize(1);
    assertThat(comparison.path("mcnemar").get(0).path("model_a").asText()).isEqualTo("a");
  }

  @Test
  @Order(2)
  void aModelWithOtherClassesIsComparedOnTheClassesItSharesWithTheOthers() throws IOException {
    // a 6-class model (neutral dropped, as a fine-tuned one) beside a 7-class one: both scored on the 60 faces of
    // the 6 shared classes, so their McNemar test compares the same faces
    List<String> six = Emotion.labelNames(7).stream().filter(l -> !l.equals("neutral")).toList();
    ComputationGraph g = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(6).withSeed(3));
    Path sixModel = shared.resolve("six.zip");
    ModelFile.save(g, ModelMetadata.of(six, "tiny-cnn", Map.of(), "test"), sixModel, false);
    EvaluateSettings settings = EvaluateSettings.from(FerConfig.load(null, List.of(), Map.of()));
    Path report = tmp.resolve("shared-classes");
    EvaluateJob.Report r = EvaluateJob.run(spark, EvaluationPipeline.prepare(data, "test",
        List.of(ModelSpec.fer(modelA.toString()), ModelSpec.fer(sixModel.toString())), new Configuration()),
        settings, report, false);

    for (var m : r.result().models()) {
      assertThat(m.plain().examples()).as("faces scored by %s", m.name()).isEqualTo(60);
      assertThat(m.plain().perClass().get(6).support()).as("neutral faces left out").isZero();
    }
    JsonNode comparison = JSON.readTree(report.resolve(MetricsJson.COMPARISON).toFile());
    JsonNode pair = comparison.path("mcnemar").get(0);
    assertThat(pair.path("only_a").asLong() + pair.path("only_b").asLong()).isLessThanOrEqualTo(60);

    ComputationGraph two = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(2).withSeed(3));
    Path other = shared.resolve("other.zip");
    ModelFile.save(two, ModelMetadata.of(List.of("calm", "bored"), "tiny-cnn", Map.of(), "test"), other, false);
    assertThatThrownBy(() -> EvaluationPipeline.prepare(data, "test", List.of(ModelSpec.fer(other.toString())),
        new Configuration())).hasMessageContaining("at least 2 classes").hasMessageContaining(other.toString());
  }

  @Test
  @Order(3)
  void badArgumentsAreUsageErrors() {
    String report = tmp.resolve("r").toString();
    assertThat(exec()).isEqualTo(2);
    assertThat(exec("--data", data, "--report", report, "--peer", "onnx:/m.onnx")).isEqualTo(2);
    assertThat(lastErr).contains("unknown peer kind 'onnx'");
    assertThat(exec("--data", data, "--report", report, "--model", modelA.toString(), "--set",
        "fer.evaluate.bacth=3")).isEqualTo(2);
    assertThat(exec("--data", data, "--report", report, "--model", modelA.toString(), "--split", "holdout"))
        .isEqualTo(2);
    assertThat(Path.of(report)).doesNotExist();
  }

  @Test
  @Order(4)
  void badInputsAreOneClearMessageAndExitCodeOne() throws IOException {
    String report = tmp.resolve("r").toString();
    assertThat(exec("--data", tmp.resolve("nothing").toString(), "--report", report, "--model", modelA.toString()))
        .isEqualTo(1);
    assertThat(lastErr).contains("no manifest.json").doesNotContain("\tat ");

    Path noTest = tmp.resolve("no-test");
    copyTree(Path.of(data), noTest);
    ObjectNode manifest = (ObjectNode) JSON.readTree(noTest.resolve("manifest.json").toFile());
    ((ObjectNode) manifest.path("splits")).remove("test");
    Files.writeString(noTest.resolve("manifest.json"), manifest.toString());
    Files.deleteIfExists(noTest.resolve(".manifest.json.crc"));
    assertThat(exec("--data", noTest.toString(), "--report", report, "--model", modelA.toString())).isEqualTo(1);
    assertThat(lastErr).contains("split 'test'").contains("missing").doesNotContain("\tat ");

    Path random = Files.write(tmp.resolve("random.zip"), new byte[] {1, 2, 3, 4, 5});
    assertBadModel(random, "not a zip file");
    byte[] whole = Files.readAllBytes(modelA);
    Path truncated = Files.write(tmp.resolve("truncated.zip"), Arrays.copyOf(whole, whole.length / 2));
    assertBadModel(truncated, "truncated or corrupt");
    Path future = tmp.resolve("future.zip");
    Files.copy(modelA, future);
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + future.toUri()), Map.of())) {
      Path entry = zip.getPath(ModelFile.METADATA_ENTRY);
      Files.writeString(entry, Files.readString(entry).replaceFirst("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
    }
    assertBadModel(future, "unsupported formatVersion 99");
    Path notHdf5 = Files.writeString(tmp.resolve("peer.hdf5"), "not HDF5");
    assertThat(exec("--data", data, "--report", report, "--peer", "keras:" + notHdf5)).isEqualTo(1);
    assertThat(lastErr).contains(notHdf5.toString()).contains("not a Keras HDF5 model");

    assertThat(exec("--data", data, "--report", report, "--set", "fer.evaluate.default-model=" + tmp.resolve(
        "models/fer2013-default.zip"))).isEqualTo(1);
    assertThat(lastErr).contains("no --model or --peer given").contains("fer2013-default.zip");
    assertThat(Path.of(report)).doesNotExist();
  }

  @Test
  @Order(5)
  void calibrateFitsTheValidationSplitAndEvaluationShowsTheScoresBeforeAndAfter() throws IOException {
    Path calibrated = tmp.resolve("calibrated.zip");
    String[] fit = {"--model", modelA.toString(), "--data", data, "--out", calibrated.toString()};
    assertThat(JobRunner.execute(new CalibrateJob(), fit)).isZero();
    Calibration c = ModelFile.readMetadata(calibrated).calibration();
    assertThat(c.split()).isEqualTo("validation");
    assertThat(c.examples()).isEqualTo(70);
    assertThat(c.nllAfter()).isLessThanOrEqualTo(c.nllBefore());
    assertThat(c.temperature()).isPositive().isNotEqualTo(1.0);
    assertThat(ModelFile.readMetadata(modelA).calibration()).as("--out leaves --model alone").isNull();
    assertThat(ModelFile.readMetadata(calibrated).withCalibration(null)).isEqualTo(ModelFile.readMetadata(modelA));
    assertThat(zipEntry(calibrated, "coefficients.bin")).isEqualTo(zipEntry(modelA, "coefficients.bin"));
    assertThat(JobRunner.execute(new CalibrateJob(), fit)).as("an existing --out needs --overwrite").isEqualTo(1);
    Path inPlace = Files.copy(calibrated, tmp.resolve("in-place.zip"));
    assertThat(JobRunner.execute(new CalibrateJob(), new String[] {"--model", inPlace.toString(), "--data", data}))
        .isZero();
    assertThat(ModelFile.readMetadata(inPlace).temperature()).as("refitted in place on the network, not compounded")
        .isCloseTo(c.temperature(), within(1e-9 * c.temperature()));
    assertThat(JobRunner.execute(new CalibrateJob(), new String[] {"--model", inPlace.toString(), "--data", data,
        "--split", "holdout"})).isEqualTo(2);

    EvaluateSettings settings = EvaluateSettings.from(FerConfig.load(null, List.of("fer.min-confidence=0.16"),
        Map.of()));
    Path report = tmp.resolve("calibration");
    EvaluateJob.run(spark, EvaluationPipeline.prepare(data, "test", List.of(ModelSpec.fer(modelA.toString()),
        ModelSpec.fer(calibrated.toString())), new Configuration()), settings, report, false);
    JsonNode before = JSON.readTree(report.resolve("a/metrics.json").toFile());
    JsonNode after = JSON.readTree(report.resolve("calibrated/metrics.json").toFile());
    assertThat(before.path("temperature").asDouble()).isEqualTo(1);
    assertThat(before.path("uncalibrated").isNull()).isTrue();
    assertThat(after.path("temperature").asDouble()).isEqualTo(c.temperature());
    assertThat(after.at("/uncalibrated/ece").asDouble()).as("before = the uncalibrated file's scores")
        .isCloseTo(before.path("ece").asDouble(), within(1e-6));
    assertThat(after.at("/uncalibrated/mean_loss").asDouble()).isCloseTo(before.path("mean_loss").asDouble(),
        within(1e-6));
    assertThat(after.path("accuracy").asDouble()).isEqualTo(before.path("accuracy").asDouble());
    assertThat(after.at("/risk_coverage/min_confidence/threshold").asDouble()).isEqualTo(0.16);
    assertThat(after.at("/risk_coverage/thresholds/0/covered").asLong()).isEqualTo(70);
    assertThat(Files.readString(report.resolve("calibrated/index.html"))).contains("before (T = 1)");
    assertThat(report.resolve("calibrated/reliability_uncalibrated.png")).isNotEmptyFile();
    assertThat(report.resolve("a/reliability_uncalibrated.png")).doesNotExist();
  }

  static byte[] zipEntry(Path zip, String name) throws IOException {
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
      return z.getInputStream(z.getEntry(name)).readAllBytes();
    }
  }

  @Test
  @Order(6)
  void theCommandLineUsesTheDefaultModelAndRefusesToReplaceAReportWithoutOverwrite() throws IOException {
    Path report = tmp.resolve("cli");
    String[] args = {"--data", data, "--report", report.toString(), "--tta", "--set",
        "fer.evaluate.default-model=" + modelA};
    assertThat(exec(args)).as(lastErr).isEqualTo(0);
    assertThat(lastOut).contains("fer-evaluate: report in " + report.toAbsolutePath().resolve("index.html"));
    for (String file : List.of("index.html", "confusion_matrix.png", "samples.png", "reliability.png",
        "confusion_matrix.csv", "confusion_matrix_normalized.csv")) {
      assertThat(report.resolve(file)).as("the job writes the whole report").isNotEmptyFile();
    }
    JsonNode metrics = JSON.readTree(report.resolve(MetricsJson.METRICS).toFile());
    assertThat(metrics.path("model").path("source").asText()).isEqualTo(modelA.toString());
    assertThat(metrics.path("tta").path("examples").asLong()).isEqualTo(70);

    assertThat(exec(args)).isEqualTo(1);
    assertThat(lastErr).contains("already holds an evaluation report").contains("--overwrite");
  }

  @Test
  @Order(7)
  void tenCropTtaIsRecordedAsSuchAndAnUnknownViewSetIsBadUsage() throws IOException {
    Path report = tmp.resolve("ten-crop");
    // the command-line test before this one ran the job, which stopped the class's session: the job makes its own
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.ui.enabled", "false");
    try {
      tenCrop(report);
    } finally {
      System.clearProperty("spark.master");
      System.clearProperty("spark.ui.enabled");
    }
  }

  @Test
  @Order(8)
  void aCorruptOrTruncatedParquetPartIsOneLineNamingTheFile() throws IOException {
    // the command line's session (the CLI tests stopped the shared one): as spark-submit would set it
    System.setProperty("spark.master", "local[1]");
    System.setProperty("spark.ui.enabled", "false");
    try {
      scoreDamagedParts();
    } finally {
      System.clearProperty("spark.master");
      System.clearProperty("spark.ui.enabled");
    }
  }


  private void tenCrop(Path report) throws IOException {
    assertThat(exec("--data", data, "--report", report.toString(), "--tta=ten-crop", "--model", modelA.toString()))
        .as(lastErr).isEqualTo(0);
    JsonNode metrics = JSON.readTree(report.resolve(MetricsJson.METRICS).toFile());
    assertThat(metrics.path("tta").path("views").asText()).contains("centre crop").contains("mirrors");
    assertThat(metrics.path("tta").path("examples").asLong()).isEqualTo(70);
    assertThat(metrics.path("tta").path("accuracy").asDouble()).isBetween(0.0, 1.0);

    assertThat(exec("--data", data, "--report", tmp.resolve("bad-views").toString(), "--tta=twelve", "--model",
        modelA.toString())).isEqualTo(2);
    assertThat(lastErr).contains("fer.evaluate.tta-views").contains("twelve");
  }


  private void scoreDamagedParts() throws IOException {
    for (String damage : List.of("truncated", "garbage")) {
      Path copy = tmp.resolve("damaged-" + damage);
      copyTree(Path.of(data), copy);
      Path part;
      try (Stream<Path> parts = Files.list(copy.resolve("tensors/split=test"))) {
        // the last part by name: Spark reads the first one for the schema, so this one fails inside a task
        part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted()
            .reduce((a, b) -> b).orElseThrow();
      }
      byte[] whole = Files.readAllBytes(part);
      Files.write(part, damage.equals("truncated") ? Arrays.copyOf(whole, whole.length / 2)
          : "PAR1 this is not a parquet file at all PAR1".getBytes(StandardCharsets.UTF_8));
      Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
      Path report = tmp.resolve("r-" + damage);

      assertThat(exec("--data", copy.toString(), "--report", report.toString(), "--model", modelA.toString()))
          .as(damage).isEqualTo(1);
      List<String> ours = lastErr.lines().filter(l -> l.startsWith("fer-evaluate:")).toList();
      assertThat(ours).as(damage + ": one line from the job").singleElement().asString()
          .startsWith("fer-evaluate: error: ").contains(part.getFileName().toString())
          .doesNotContain("Job aborted");
      // (Scala's default reporter may print a RejectedExecutionException trace when the previous run's SparkContext
      // shuts down its callback pool inside this one JVM: not this job's output, left out of the check)
      assertThat(withoutShutdownNoise(lastErr)).doesNotContain("\tat ");
      assertThat(report.resolve(MetricsJson.METRICS)).doesNotExist();
      assertThat(report.resolve("_fer-claim.json")).as("the claim is released").doesNotExist();
    }
  }

  private static String withoutShutdownNoise(String err) {
    StringBuilder out = new StringBuilder();
    boolean inTrace = false;
    for (String line : err.split("\n")) {
      if (line.startsWith("java.util.concurrent.RejectedExecutionException")) {
        inTrace = true;
        continue;
      }
      if (inTrace && (line.startsWith("\tat ") || line.startsWith("\t..."))) {
        continue;
      }
      inTrace = false;
      out.append(line).append('\n');
    }
    return out.toString();
  }

  static String lastErr = "";
  static String lastOut = "";

  private static int exec(String... args) {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
    try {
      return JobRunner.execute(new EvaluateJob(), args);
    } finally {
      System.setErr(err);
      System.setOut(out);
      lastErr = errBytes.toString(StandardCharsets.UTF_8);
      lastOut = outBytes.toString(StandardCharsets.UTF_8);
      err.print(lastErr);
      out.print(lastOut);
    }
  }

  private void assertBadModel(Path model, String reason) {
    assertThat(exec("--data", data, "--report", tmp.resolve("r").toString(), "--model", model.toString()))
        .as("exit code for %s", model).isEqualTo(1);
    assertThat(lastErr).contains("fer-evaluate: error: " + model).contains(reason).doesNotContain("\tat ");
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
