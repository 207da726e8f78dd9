package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedOptions;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedSummary;
import org.ferspark.preprocessing.dataset.synthetic.AffectNetShapedWriter;
import org.ferspark.preprocessing.dataset.synthetic.BadRowKind;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AffectNet reader end to end on a generated AffectNet-shaped set (codes 7–10 and every bad-row kind present):
 * exact accounting against the writer's summary, exclusions by reason, contempt only with 8 classes, the face
 * crop compared with an independent OpenCV crop, and the AffectNet split mapping.
 */
class AffectNetPipelineTest {
  private static final int TRAINING = 100;
  private static final int VALIDATION = 21;

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Configuration hadoop;
  static AffectNetShapedSummary summary;
  static Path out7;
  static PreprocessReport report7;
  static JsonNode manifest7;
  static Map<String, SparkFixture.Tensor> tensors7;

  @BeforeAll
  static void generateAndRun() throws IOException {
    spark = SparkFixture.start("local[2]", false);
    hadoop = spark.sparkContext().hadoopConfiguration();
    summary = AffectNetShapedWriter.write(tmp.resolve("affectnet"),
        new AffectNetShapedOptions(SparkFixture.sampleData().resolve("train"), TRAINING, VALIDATION, 42L, 0.3, 1, 90));
    out7 = tmp.resolve("out7");
    report7 = PreprocessPipeline.run(spark, SparkFixture.settings(summary.root(), out7,
        Map.of("fer.preprocess.format", "affectnet")));
    manifest7 = SparkFixture.manifest(out7.toString(), hadoop);
    tensors7 = SparkFixture.tensors(spark, out7.toString());
  }

  @AfterAll
  static void stopSpark() {
    SparkFixture.stop(spark);
  }

  @Test
  void fixtureHasSpecialCodesAndEveryBadRowKind() {
    assertThat(summary.rowsByCode().keySet()).as("expression codes generated").containsAll(List.of(7, 8, 9, 10));
    assertThat(summary.badRows().keySet()).as("bad row kinds generated").containsExactlyInAnyOrder(BadRowKind.values());
  }

  @Test
  void accountsForEveryRowExactlyAgainstTheWritersSummary() throws IOException {
    Map<String, Long> expected = expectedRejects(7);
    assertThat(report7.inputs()).as("inputs = data rows of both CSVs").isEqualTo(summary.totalRows());
    assertThat(report7.originals()).as("written = rows with codes 0-6").isEqualTo(goodRows(0, 6));
    assertThat(SparkFixture.manifestByReason(manifest7)).as("manifest rejected.byReason").isEqualTo(expected);
    assertThat(report7.rejectedByReason()).as("report rejectedByReason").isEqualTo(expected);
    assertThat(report7.originals() + report7.rejected()).as("written + rejected").isEqualTo(report7.inputs());
    assertThat(manifest7.path("inputs").asLong()).as("manifest inputs").isEqualTo(summary.totalRows());
    assertThat(SparkFixture.rejects(out7Str(), hadoop)).as("rejects/ lines").hasSize((int) report7.rejected());
    assertThat(tensors7).as("tensor rows").hasSize((int) report7.originals());
  }

  @Test
  void rejectsCarryTheCsvLineAsSource() throws IOException {
    for (SparkFixture.Reject r : SparkFixture.rejects(out7Str(), hadoop)) {
      assertThat(r.source()).as("source of reject %s (%s)", r.id(), r.reason())
          .matches("(training|validation)\\.csv line \\d+.*");
    }
  }

  @Test
  void labelsFollowTheAffectNetCodeOfTheRow() throws IOException {
    Map<String, Integer> codeById = new HashMap<>();
    csvRows(summary.trainingCsv()).forEach(f -> codeById.put(f[0], Integer.parseInt(f[6])));
    csvRows(summary.validationCsv()).forEach(f -> codeById.put(f[0], Integer.parseInt(f[6])));
    for (SparkFixture.Tensor t : tensors7.values()) {
      Emotion e = Emotion.fromAffectNetCode(codeById.get(t.id())).orElseThrow();
      assertThat(t.label()).as("label of %s (AffectNet code %d)", t.id(), codeById.get(t.id())).isEqualTo(e.index());
      assertThat(t.labelName()).as("label_name of %s", t.id()).isEqualTo(e.label());
    }
  }

  @Test
  void theTensorIsTheFaceBoxCroppedGrayedAndAreaResized() throws IOException {
    FaceNormalizer.loadNatives();
    Map<String, String[]> rows = new HashMap<>();
    csvRows(summary.trainingCsv()).forEach(f -> rows.put(f[0], f));
    csvRows(summary.validationCsv()).forEach(f -> rows.put(f[0], f));
    int compared = 0;
    for (SparkFixture.Tensor t : tensors7.values()) {
      String[] f = rows.get(t.id());
      assertThat(f).as("CSV row of %s", t.id()).isNotNull();
      Path file = summary.imageRoot().resolve(t.id());
      int x = Integer.parseInt(f[1]);
      int y = Integer.parseInt(f[2]);
      int w = Integer.parseInt(f[3]);
      int h = Integer.parseInt(f[4]);
      assertThat(java.util.Arrays.equals(t.pixels(), cropGrayResize(file, IMREAD_GRAYSCALE, x, y, w, h)))
          .as("pixels of %s equal OpenCV gray decode + crop [%s,%s,%s,%s] + INTER_AREA 48x48", t.id(), x, y, w, h)
          .isTrue();
      byte[] viaBgr = cropGrayResize(file, IMREAD_COLOR, x, y, w, h);
      double diff = 0;
      for (int i = 0; i < viaBgr.length; i++) {
        diff += Math.abs((viaBgr[i] & 0xff) - (t.pixels()[i] & 0xff));
      }
      assertThat(diff / viaBgr.length).as("mean grey-level difference of %s to BGR decode + cvtColor", t.id())
          .isLessThan(0.5);
      compared++;
    }
    assertThat(compared).as("tensors compared").isEqualTo(goodRows(0, 6));
  }

  @Test
  void validationCsvBecomesTestAndTrainingCsvSplitsIntoTrainAndAboutTenPercentValidation() throws IOException {
    Set<String> validationCsvIds = csvRows(summary.validationCsv()).stream()
        .filter(f -> Integer.parseInt(f[6]) <= 6).map(f -> f[0]).collect(Collectors.toSet());
    Set<String> testIds = tensors7.values().stream().filter(t -> t.split().equals("test"))
        .map(SparkFixture.Tensor::id).collect(Collectors.toSet());
    assertThat(testIds).as("ids in split=test are exactly validation.csv's emotion rows").isEqualTo(validationCsvIds);
    Map<String, Map<String, Long>> byClass = new TreeMap<>();
    for (SparkFixture.Tensor t : tensors7.values()) {
      if (!t.split().equals("test")) {
        byClass.computeIfAbsent(t.labelName(), k -> new TreeMap<>()).merge(t.split(), 1L, Long::sum);
      }
    }
    long validation = 0;
    long all = 0;
    for (var e : byClass.entrySet()) {
      long v = e.getValue().getOrDefault("validation", 0L);
      long n = v + e.getValue().getOrDefault("train", 0L);
      assertThat(n).as("training.csv rows of %s (fixture size)", e.getKey()).isGreaterThanOrEqualTo(10);
      assertThat(v).as("validation rows of %s out of %d (stratified 10%%)", e.getKey(), n)
          .isBetween(1L, (long) Math.ceil(0.1 * n) + 1);
      validation += v;
      all += n;
    }
    assertThat((double) validation / all).as("validation share of training.csv").isBetween(0.07, 0.17);
  }

  @Test
  void autoDetectsTheAffectNetLayoutWithTheSameResult() throws IOException {
    Path out = tmp.resolve("out-auto");
    PreprocessReport auto = PreprocessPipeline.run(spark, SparkFixture.settings(summary.root(), out, Map.of()));
    assertThat(auto.format()).as("detected format").isEqualTo("affectnet");
    assertThat(auto.rejectedByReason()).as("rejects by reason, detected vs --format affectnet")
        .isEqualTo(report7.rejectedByReason());
    assertThat(SparkFixture.fingerprintById(SparkFixture.tensors(spark, out.toString())))
        .as("tensors, detected vs --format affectnet").isEqualTo(SparkFixture.fingerprintById(tensors7));
  }

  @Test
  void keepsContemptAsLabelSevenWithEightClasses() throws IOException {
    Path out = tmp.resolve("out8");
    PreprocessReport report = PreprocessPipeline.run(spark, SparkFixture.settings(summary.root(), out,
        Map.of("fer.preprocess.format", "affectnet", "fer.classes", 8)));
    Map<String, Long> expected = expectedRejects(8);
    assertThat(report.rejectedByReason()).as("rejects by reason with 8 classes").isEqualTo(expected);
    assertThat(report.originals()).as("written = rows with codes 0-7").isEqualTo(goodRows(0, 7));
    List<SparkFixture.Tensor> contempt = SparkFixture.tensors(spark, out.toString()).values().stream()
        .filter(t -> t.label() == 7).toList();
    assertThat(contempt).as("contempt tensors").hasSize(summary.rowsByCode().get(7));
    assertThat(contempt).extracting(SparkFixture.Tensor::labelName).as("label_name of label 7").containsOnly("contempt");
    JsonNode manifest = SparkFixture.manifest(out.toString(), hadoop);
    assertThat(manifest.path("labels").size()).as("manifest label set size").isEqualTo(8);
    assertThat(manifest.path("labels").get(7).asText()).as("label 7 in the manifest").isEqualTo("contempt");
  }

  private Map<String, Long> expectedRejects(int classes) {
    Map<Integer, Integer> codes = summary.rowsByCode();
    Map<BadRowKind, Integer> bad = summary.badRows();
    Map<String, Long> expected = new TreeMap<>();
    if (classes == 7) {
      expected.put("excluded-contempt", (long) codes.get(7));
    }
    expected.put("excluded-none", (long) codes.get(8));
    expected.put("excluded-uncertain", (long) codes.get(9));
    expected.put("excluded-no-face", (long) codes.get(10));
    expected.put("bad-face-box", (long) bad.get(BadRowKind.BOX_OUTSIDE_IMAGE) + bad.get(BadRowKind.ZERO_WIDTH_BOX)
        + bad.get(BadRowKind.NEGATIVE_WIDTH));
    expected.put("file-not-found", (long) bad.get(BadRowKind.MISSING_FILE));
    expected.put("bad-csv-row", (long) bad.get(BadRowKind.NON_NUMERIC_FACE_X) + bad.get(BadRowKind.MISSING_FIELDS));
    expected.put("empty-file", (long) bad.get(BadRowKind.EMPTY_IMAGE));
    expected.put("truncated-image", (long) bad.get(BadRowKind.TRUNCATED_JPEG));
    return expected;
  }

  private long goodRows(int fromCode, int toCode) {
    return summary.rowsByCode().entrySet().stream().filter(e -> e.getKey() >= fromCode && e.getKey() <= toCode)
        .mapToLong(Map.Entry::getValue).sum();
  }

  private static String out7Str() {
    return out7.toString();
  }

  /** Data rows of an AffectNet CSV split on commas (landmarks are ';'-separated); only full-width rows. */
  private static List<String[]> csvRows(Path csv) throws IOException {
    return Files.readAllLines(csv, StandardCharsets.UTF_8).stream().skip(1)
        .map(l -> l.split(",", -1)).filter(f -> f.length == 9 && f[1].matches("-?\\d+")).toList();
  }

  /** The reference: OpenCV imread → crop at the CSV box (clamped) → BGR2GRAY → INTER_AREA 48×48. */
  private static byte[] cropGrayResize(Path file, int imreadFlags, int x, int y, int w, int h) {
    try (PointerScope scope = new PointerScope()) {
      Mat image = imread(file.toString(), imreadFlags);
      assertThat(image.empty()).as("OpenCV reads %s", file).isFalse();
      int x0 = Math.max(0, x);
      int y0 = Math.max(0, y);
      int x1 = Math.min(image.cols(), x + w);
      int y1 = Math.min(image.rows(), y + h);
      Mat face = new Mat(image, new Rect(x0, y0, x1 - x0, y1 - y0));
      Mat gray = face;
      if (face.channels() == 3) {
        gray = new Mat();
        cvtColor(face, gray, COLOR_BGR2GRAY);
      }
      Mat small = new Mat();
      resize(gray, small, new Size(48, 48), 0, 0, INTER_AREA);
      byte[] out = new byte[48 * 48];
      small.data().get(out);
      return out;
    }
  }
}
