package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.evaluation.metrics.MetricsJson;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.spark.EvaluationPipeline;
import org.ferspark.evaluation.spark.ImageEvaluationPipeline;
import org.ferspark.evaluation.spark.Predictions;
import org.ferspark.model.calibrate.TemperatureScaling;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.app.RealtimeSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --images} end to end with untrained tiny-cnn models (a 7-class one and a 6-class one without
 * neutral): exact status counts on the photo folder of {@link PhotoFixtures}, the 48×48 photos of data/sample scored
 * exactly as their preprocessed tensors, and {@code predictions.parquet} read back by DuckDB's JDBC driver, an
 * independent reader. One local[2] Kryo session for the class; the command-line tests run last (the job stops the
 * session it finds).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluateImagesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> SEVEN = Emotion.labelNames(7);
  @TempDir static Path shared;
  @TempDir Path tmp;
  static SparkSession spark;
  static Path seven;
  static Path six;

  @BeforeAll
  static void sessionAndModels() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("EvaluateImagesTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
        .getOrCreate();
    seven = model(shared.resolve("seven.zip"), SEVEN, 1);
    six = model(shared.resolve("six.zip"), SEVEN.stream().filter(l -> !l.equals("neutral")).toList(), 2);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static Path model(Path file, List<String> labels, long seed) throws IOException {
    ComputationGraph g = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(labels.size()).withSeed(seed));
    ModelFile.save(g, ModelMetadata.of(labels, "tiny-cnn", Map.of(), "test"), file, false);
    return file;
  }

  static ImageSettings imageSettings(String... sets) {
    return ImageSettings.from(FerConfig.load(null, List.of(sets), Map.of()), RealtimeSettings.root());
  }

  static EvaluateSettings settings(String... sets) {
    return EvaluateSettings.from(FerConfig.load(null, List.of(sets), Map.of()));
  }

  static EvaluateJob.Report evaluateImages(String dir, ImageSettings images, Path report, boolean predictions,
      Path... models) throws IOException {
    return evaluateImages(dir, images, settings(), report, predictions, models);
  }

  static EvaluateJob.Report evaluateImages(String dir, ImageSettings images, EvaluateSettings settings, Path report,
      boolean predictions, Path... models) throws IOException {
    List<ModelSpec> specs = java.util.Arrays.stream(models).map(m -> ModelSpec.fer(m.toString())).toList();
    ImageEvaluationPipeline.Inputs in = ImageEvaluationPipeline.prepare(dir, specs, images, new Configuration());
    return EvaluateJob.run(spark, (s, target, replace) -> ImageEvaluationPipeline.run(s, in, settings, images,
        false, target, replace), report, false, predictions ? predictionsUri(report) : null);
  }

  /** {@code seven} with a temperature in its metadata, as calibrate.sh writes it. */
  static Path calibrated(Path file, double temperature) throws IOException {
    ModelFile.replaceMetadata(seven, ModelFile.readMetadata(seven).withCalibration(new Calibration(
        Calibration.TEMPERATURE_SCALING, temperature, "validation", 70, 1.9, 1.8, 0.2, 0.05, "test",
        "2026-12-01T00:00:00Z")), file);
    return file;
  }

  static String predictionsUri(Path report) {
    return report.toAbsolutePath().resolve(Predictions.FILE).toUri().toString();
  }

  @Test
  @Order(1)
  void everyPhotoGetsItsStatusAndEachFoundFaceTheModelsOutputOnItsCrop() throws Exception {
    ImageSettings images = imageSettings("fer.evaluate.images.several-faces=reject");
    PhotoFixtures.Folder folder = PhotoFixtures.write(tmp.resolve("photos"), images);
    Path report = tmp.resolve("report");
    EvaluateJob.Report r = evaluateImages(folder.root().toString(), images, report, true, seven, six);

    long ok = folder.statuses().get("ok");
    long total = folder.statuses().values().stream().mapToLong(Long::longValue).sum();
    assertThat(ok).isEqualTo(16);
    assertThat(total).isEqualTo(28);
    for (String name : List.of("seven", "six")) {
      JsonNode m = JSON.readTree(report.resolve(name).resolve(MetricsJson.METRICS).toFile());
      JsonNode inputs = m.path("inputs");
      assertThat(counts(inputs.path("status"))).as("statuses").containsExactlyEntriesOf(folder.statuses());
      assertThat(counts(inputs.path("unreadable_reasons"))).containsExactlyEntriesOf(folder.reasons());
      assertThat(inputs.path("total").asLong()).isEqualTo(total);
      assertThat(m.path("examples").asLong()).isEqualTo(ok);
      assertThat(m.path("dataset").path("kind").asText()).isEqualTo("images");
      assertThat(m.path("absent_classes").toString()).isEqualTo("[\"neutral\"]");
      assertThat(m.path("per_class").path("neutral").path("recall").isNull()).as("absent, not zero recall").isTrue();
      assertThat(m.path("per_class").path("happy").path("support").asLong()).isEqualTo(4);
      assertThat(m.path("per_class").path("happy").path("recall_ci95")).hasSize(2);
      JsonNode detector = inputs.path("detector");
      assertThat(detector.path("whole_images").asLong()).as("2 crops + the 1x1 image").isEqualTo(3);
      assertThat(detector.path("faces_found").path("0").asLong()).as("the empty scenes").isEqualTo(2);
      assertThat(detector.path("faces_found").path("2").asLong()).as("the two-face photo").isEqualTo(1);
      assertThat(detector.path("face_side").path("min").asLong()).as("the crops' 48 or a found face").isBetween(32L,
          48L);
      assertThat(inputs.path("examples").path("unreadable")).hasSize(5);
      assertThat(m.path("failures").size()).isPositive();
    }
    assertThat(r.result().inputs().scored()).isEqualTo(ok);
    String page = Files.readString(report.resolve("seven/index.html"));
    assertThat(page).contains("<h2>Inputs</h2>", "<h2>Face detector</h2>", "<h2>Most confident mistakes</h2>",
        "<th>neutral</th><td class=\"n\">0.000</td><td class=\"n\">absent</td>", "image-too-large");

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
      String from = " FROM read_parquet('" + report.resolve(Predictions.FILE) + "/*.parquet')";
      assertThat(longOf(st, "SELECT count(*)" + from)).isEqualTo(2 * ok);
      for (String name : List.of("seven", "six")) {
        JsonNode m = JSON.readTree(report.resolve(name).resolve(MetricsJson.METRICS).toFile());
        String where = from + " WHERE model = '" + name + "'";
        assertThat(longOf(st, "SELECT count(*)" + where)).isEqualTo(ok);
        assertThat(doubleOf(st, "SELECT avg(CASE WHEN true_label = predicted_label THEN 1.0 ELSE 0 END)" + where))
            .as("accuracy of %s from the rows", name).isCloseTo(m.path("accuracy").asDouble(), within(1e-12));
        for (int t = 0; t < SEVEN.size(); t++) {
          for (int p = 0; p < SEVEN.size(); p++) {
            assertThat(longOf(st, "SELECT count(*)" + where + " AND true_label = '" + SEVEN.get(t)
                + "' AND predicted_label = '" + SEVEN.get(p) + "'")).as("%s confusion[%d][%d]", name, t, p)
                .isEqualTo(m.path("confusion_matrix").get(t).get(p).asLong());
          }
        }
        assertThat(doubleOf(st, "SELECT max(abs(p_angry + p_disgust + p_fear + p_happy + p_sad + p_surprise"
            + " + p_neutral - 1))" + where)).isLessThan(1e-5);
      }
      assertThat(doubleOf(st, "SELECT max(p_neutral)" + from + " WHERE model = 'six'")).isZero();
      assertThat(longOf(st, "SELECT count(*)" + from + " WHERE box IS NULL AND model = 'seven'"))
          .as("the 48x48 crops, taken whole").isEqualTo(folder.crops().size());
      checkFoundFaces(st, from, folder);
    }
  }

  /** Each detected face's box is near the pasted one, and its probabilities are the network's on its own crop. */
  private static void checkFoundFaces(Statement st, String from, PhotoFixtures.Folder folder) throws Exception {
    ComputationGraph graph = ModelFile.load(seven, false).graph();
    FaceNormalizer normalizer = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE);
    int checked = 0;
    try (ResultSet rs = st.executeQuery("SELECT id, source, box.x, box.y, box.w, box.h, "
        + String.join(", ", SEVEN.stream().map(l -> "p_" + l).toList()) + from
        + " WHERE model = 'seven' AND box IS NOT NULL ORDER BY id")) {
      while (rs.next()) {
        String id = rs.getString(1);
        FaceBox box = new FaceBox(rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6));
        FaceBox pasted = folder.pasted().get(id);
        assertThat(pasted).as("%s was written with a face", id).isNotNull();
        assertThat(PhotoFixtures.iou(box, pasted)).as("%s: found %s, pasted %s", id, box, pasted).isGreaterThan(0.4);
        if (id.endsWith(".jpg") && !id.contains("cmyk")) {
          try (Mat bgr = imread(Path.of(java.net.URI.create(rs.getString(2))).toString(), IMREAD_COLOR)) {
            float[] expected = PredictFixtures.graphOutput(graph,
                normalizer.normalize(bgr, FaceClassifier.cropBox(box, 0.1)));
            for (int c = 0; c < SEVEN.size(); c++) {
              assertThat(rs.getFloat(7 + c)).as("%s p_%s", id, SEVEN.get(c)).isCloseTo(expected[c], within(1e-5f));
            }
          }
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(12);
  }

  @Test
  @Order(2)
  void photosThatAreFaceCropsScoreExactlyAsTheirPreprocessedTensorsCalibratedAndLabelledUncertain()
      throws Exception {
    // data/sample/test as a dataset with only a test split: the preprocessing job's tensors of the same files
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path test = PredictFixtures.repoRoot().resolve("data/sample/test");
    for (String label : SEVEN) {
      Path dir = Files.createDirectories(in.resolve("test").resolve(label));
      for (Path f : PredictFixtures.sample("test", label)) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    String data = tmp.resolve("tensors").toString();
    PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()), in.toString(),
        data, true));
    // a calibrated model: both paths score its calibrated probabilities and count the T = 1 ones beside
    double temperature = 0.5;
    Path model = calibrated(tmp.resolve("seven-calibrated.zip"), temperature);
    Path tensorsReport = tmp.resolve("from-tensors");
    EvaluateJob.Report fromTensors = EvaluateJob.run(spark, (s, target, replace) -> EvaluationPipeline.run(s,
        EvaluationPipeline.prepare(data, "test", List.of(ModelSpec.fer(model.toString())), new Configuration()),
        settings(), false, target, replace), tensorsReport, false, predictionsUri(tensorsReport));
    double median;
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
      median = doubleOf(st, "SELECT quantile_disc(confidence, 0.5) FROM read_parquet('"
          + tensorsReport.resolve(Predictions.FILE) + "/*.parquet')");
      assertThat(longOf(st, "SELECT count(*) FROM read_parquet('" + tensorsReport.resolve(Predictions.FILE)
          + "/*.parquet') WHERE label <> predicted_label")).as("min-confidence 0: no face uncertain").isZero();
    }

    // detection on, the default: 48x48 photos are face crops (crop-max-side), taken whole as with --no-detect
    // (FaceLocatorTest: the same bytes either way); half the faces below --min-confidence
    Path report = tmp.resolve("from-photos");
    EvaluateJob.Report fromPhotos = evaluateImages(test.toString(), imageSettings(),
        settings("fer.min-confidence=" + median), report, true, model);
    var a = fromTensors.result().models().get(0).plain();
    var b = fromPhotos.result().models().get(0).plain();
    for (EvaluateJob.Report r : List.of(fromTensors, fromPhotos)) {
      var m = r.result().models().get(0);
      assertThat(m.temperature()).isEqualTo(temperature);
      assertThat(m.uncalibrated()).as("the T = 1 scores, counted beside").isNotNull();
      assertThat(m.uncalibrated().examples()).isEqualTo(70);
      assertThat(m.uncalibrated().confusion()).as("the arg-max does not change").isEqualTo(m.plain().confusion());
      assertThat(m.uncalibrated().meanLoss()).isNotCloseTo(m.plain().meanLoss(), within(1e-6));
      assertThat(m.failures()).as("the failure gallery").isNotEmpty();
    }
    JsonNode metrics = JSON.readTree(report.resolve(MetricsJson.METRICS).toFile());
    assertThat(metrics.path("temperature").asDouble()).isEqualTo(temperature);
    assertThat(metrics.at("/uncalibrated/ece").isNumber()).isTrue();
    assertThat(metrics.at("/risk_coverage/min_confidence/threshold").asDouble()).isEqualTo(median);
    assertThat(metrics.path("inputs").path("total").asLong()).isEqualTo(70);
    assertThat(metrics.path("failures").size()).isPositive();
    assertThat(Files.readString(report.resolve("index.html"))).contains("before (T = 1)", "Accuracy vs coverage",
        "<h2>Inputs</h2>", "<h2>Most confident mistakes</h2>");
    assertThat(report.resolve("reliability_uncalibrated.png")).isNotEmptyFile();
    ComputationGraph graph = ModelFile.load(seven, false).graph();
    FaceNormalizer normalizer = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
      String from = " FROM read_parquet('" + report.resolve(Predictions.FILE) + "/*.parquet')";
      long certain = longOf(st, "SELECT count(*)" + from + " WHERE label = predicted_label");
      assertThat(certain).as("faces at or above --min-confidence")
          .isEqualTo(metrics.at("/risk_coverage/min_confidence/covered").asLong()).isBetween(35L, 69L);
      assertThat(longOf(st, "SELECT count(*)" + from + " WHERE label = 'uncertain'")).isEqualTo(70 - certain);
      assertThat(longOf(st, "SELECT count(*)" + from + " WHERE (label = 'uncertain') <> (confidence < "
          + (float) median + "::FLOAT)")).as("uncertain exactly below the threshold").isZero();
      try (ResultSet rs = st.executeQuery("SELECT source, " + String.join(", ", SEVEN.stream().map(l -> "p_" + l)
          .toList()) + from + " ORDER BY id LIMIT 5")) {
        while (rs.next()) {
          byte[] face = normalizer.normalize(Files.readAllBytes(Path.of(java.net.URI.create(rs.getString(1)))),
              null);
          float[] expected = TemperatureScaling.apply(PredictFixtures.graphOutput(graph, face), temperature);
          for (int c = 0; c < SEVEN.size(); c++) {
            assertThat(rs.getFloat(2 + c)).as("calibrated p_%s", SEVEN.get(c)).isCloseTo(expected[c], within(1e-5f));
          }
        }
      }
    }
    assertThat(b.examples()).isEqualTo(70);
    assertThat(b.confusion()).isEqualTo(a.confusion());
    assertThat(b.accuracy()).isEqualTo(a.accuracy());
    assertThat(b.top2Accuracy()).isEqualTo(a.top2Accuracy());
    assertThat(b.ece()).isCloseTo(a.ece(), within(1e-6));
    assertThat(b.meanLoss()).isCloseTo(a.meanLoss(), within(1e-6));
    assertThat(fromPhotos.result().inputs().detector().wholeImages()).isEqualTo(70);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
      Map<String, float[]> tensors = probabilities(st, tensorsReport);
      Map<String, float[]> photos = probabilities(st, report);
      assertThat(tensors).hasSize(70);
      assertThat(photos.keySet()).isEqualTo(tensors.keySet());
      tensors.forEach((file, p) -> assertThat(photos.get(file)).as(file).containsExactly(p, within(1e-6f)));
      assertThat(longOf(st, "SELECT count(*) FROM read_parquet('" + tensorsReport.resolve(Predictions.FILE)
          + "/*.parquet') WHERE box IS NULL AND id LIKE 'test/%'")).isEqualTo(70);
    }
  }

  /** File name → probabilities, from a report's predictions.parquet. */
  private static Map<String, float[]> probabilities(Statement st, Path report) throws SQLException {
    Map<String, float[]> out = new HashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT source, " + String.join(", ", SEVEN.stream().map(l -> "p_" + l)
        .toList()) + " FROM read_parquet('" + report.resolve(Predictions.FILE) + "/*.parquet')")) {
      while (rs.next()) {
        float[] p = new float[SEVEN.size()];
        for (int c = 0; c < p.length; c++) {
          p[c] = rs.getFloat(2 + c);
        }
        String source = rs.getString(1);
        out.put(source.substring(source.lastIndexOf('/') + 1), p);
      }
    }
    return out;
  }

  @Test
  @Order(3)
  void aFolderWithoutClassFoldersAndBadUsageAreOneMessageEach() throws IOException {
    Path flat = Files.createDirectories(tmp.resolve("flat"));
    Files.copy(PredictFixtures.sample("test", "happy").get(0), flat.resolve("a.jpg"));
    Files.createDirectories(flat.resolve("holiday"));
    String report = tmp.resolve("r").toString();
    System.setProperty("spark.master", "local[1]");
    System.setProperty("spark.ui.enabled", "false");
    try {
      assertThat(exec("--images", flat.toString(), "--report", report, "--model", seven.toString())).isEqualTo(1);
      assertThat(lastErr).contains("fer-evaluate: error: " + flat + " has no class folders").doesNotContain("\tat ");
      assertThat(exec("--images", flat.resolve("a.jpg").toString(), "--report", report, "--model", seven.toString()))
          .isEqualTo(1);
      assertThat(lastErr).contains("a.jpg is a file");
      assertThat(exec("--images", flat.toString(), "--data", flat.toString(), "--report", report)).isEqualTo(2);
      assertThat(lastErr).contains("not both");
      assertThat(exec("--report", report)).isEqualTo(2);
      assertThat(lastErr).contains("--images DIR");
      assertThat(exec("--images", flat.toString(), "--split", "test", "--report", report)).isEqualTo(2);
      assertThat(exec("--data", flat.toString(), "--no-detect", "--report", report)).isEqualTo(2);
      assertThat(exec("--data", flat.toString(), "--detector", "haar", "--report", report)).isEqualTo(2);
      assertThat(lastErr).contains("apply to --images only");
      assertThat(exec("--images", flat.toString(), "--detector", "yolo", "--report", report)).isEqualTo(2);
      assertThat(lastErr).contains("--detector must be one of blazeface, haar, dnn, got 'yolo'");
      assertThat(exec("--images", flat.toString(), "--several-faces", "all", "--report", report, "--model",
          seven.toString())).isEqualTo(2);
      assertThat(lastErr).contains("fer.evaluate.images.several-faces");
      Path split = Files.createDirectories(tmp.resolve("split/test/happy"));
      Files.copy(PredictFixtures.sample("test", "happy").get(0), split.resolve("a.jpg"));
      assertThat(exec("--images", tmp.resolve("split").toString(), "--report", report, "--model", seven.toString()))
          .isEqualTo(1);
      assertThat(lastErr).contains("split into [test]").contains("/split/test");
      assertThat(Path.of(report)).doesNotExist();
    } finally {
      System.clearProperty("spark.master");
      System.clearProperty("spark.ui.enabled");
    }
  }

  private static Map<String, Long> counts(JsonNode node) {
    return JSON.convertValue(node, new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String,
        Long>>() { });
  }

  private static long longOf(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static double doubleOf(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  static String lastErr = "";

  private static int exec(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      return JobRunner.execute(new EvaluateJob(), args);
    } finally {
      System.setErr(err);
      lastErr = bytes.toString(StandardCharsets.UTF_8);
      err.print(lastErr);
    }
  }
}
