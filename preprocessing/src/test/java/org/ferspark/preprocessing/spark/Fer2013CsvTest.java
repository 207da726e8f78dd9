package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FER2013 CSV reader end to end: {@code Usage} decides the split where present; without it every class is split
 * 80/10/10 by rank, exactly, and no row lands in two splits. Pixels are the CSV's gray values unchanged.
 */
class Fer2013CsvTest {
  private static final Map<String, String> USAGE_SPLIT = Map.of(
      "Training", "train", "PublicTest", "validation", "PrivateTest", "test");

  @TempDir
  static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkFixture.start("local[2]", true);
  }

  @AfterAll
  static void stopSpark() {
    SparkFixture.stop(spark);
  }

  @Test
  void takesSplitsFromUsageAndPixelsFromTheRow() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    List<String> lines = new ArrayList<>(List.of("emotion,pixels,Usage"));
    List<String> usages = List.of("Training", "PublicTest", "PrivateTest");
    for (int i = 0; i < 48; i++) {
      String usage = usages.get(i % 5 == 0 ? 1 : i % 7 == 0 ? 2 : 0);
      lines.add((i % 7) + "," + pixels(random, 48 * 48) + "," + usage);
    }
    lines.add(4, "7," + pixels(random, 48 * 48) + ",Training");
    lines.add(20, "3,1 2 3,Training");
    Map<Integer, String[]> goodByLine = reindex(lines);
    Path csv = tmp.resolve("fer2013.csv");
    Files.write(csv, lines, StandardCharsets.UTF_8);

    Path out = tmp.resolve("out-usage");
    PreprocessReport report = PreprocessPipeline.run(spark, SparkFixture.settings(csv, out, Map.of()));
    assertThat(report.format()).as("format detected from the header").isEqualTo("fer2013-csv");
    assertThat(report.inputs()).as("data rows").isEqualTo(lines.size() - 1);
    assertThat(report.rejected()).as("bad rows: emotion code 7, and 3 pixel values (not a square image)")
        .isEqualTo(2);
    Map<String, SparkFixture.Tensor> tensors = SparkFixture.tensors(spark, out.toString());
    assertThat(tensors).as("tensors").hasSize(goodByLine.size());
    for (var e : goodByLine.entrySet()) {
      SparkFixture.Tensor t = tensors.get("fer2013.csv:" + e.getKey());
      assertThat(t).as("tensor of line %d", e.getKey()).isNotNull();
      String[] f = e.getValue();
      assertThat(t.split()).as("split of line %d (Usage %s)", e.getKey(), f[2]).isEqualTo(USAGE_SPLIT.get(f[2]));
      assertThat(t.label()).as("label of line %d", e.getKey()).isEqualTo(Integer.parseInt(f[0]));
      assertThat(t.labelName()).as("label_name of line %d", e.getKey())
          .isEqualTo(Emotion.fromFer2013Code(Integer.parseInt(f[0])).orElseThrow().label());
      assertThat(unsigned(t.pixels())).as("pixels of line %d equal the CSV values", e.getKey()).isEqualTo(f[1]);
      assertThat(t.source()).as("source of line %d", e.getKey()).isEqualTo("fer2013.csv line " + e.getKey());
    }
  }

  @Test
  void assignsEightyTenTenPerClassByRankWithoutUsage() throws IOException {
    Map<Integer, Integer> perClass = new LinkedHashMap<>();
    int[] sizes = {10, 3, 17, 20, 1, 7, 13};
    for (int c = 0; c < 7; c++) {
      perClass.put(c, sizes[c]);
    }
    SplittableRandom random = new SplittableRandom(9);
    List<String> lines = new ArrayList<>(List.of("emotion,pixels"));
    List<Integer> order = new ArrayList<>();
    perClass.forEach((c, n) -> IntStream.range(0, n).forEach(i -> order.add(c)));
    java.util.Collections.shuffle(order, new java.util.Random(1));
    order.forEach(c -> lines.add(c + "," + pixels(random, 48 * 48)));
    Path dir = Files.createDirectories(tmp.resolve("no-usage"));
    Files.write(dir.resolve("faces.csv"), lines, StandardCharsets.UTF_8);

    for (long seed : List.of(42L, 7L)) {
      Path out = tmp.resolve("out-no-usage-" + seed);
      PreprocessReport report = PreprocessPipeline.run(spark, SparkFixture.settings(dir, out,
          Map.of("fer.preprocess.seed", seed, "fer.preprocess.format", "fer2013-csv")));
      assertThat(report.rejected()).as("rejects").isZero();
      Map<String, SparkFixture.Tensor> tensors = SparkFixture.tensors(spark, out.toString());
      assertThat(tensors).as("one tensor per row, ids unique (seed %d)", seed).hasSize(order.size());
      assertThat(tensors.values().stream().map(SparkFixture.Tensor::source).distinct().count())
          .as("rows in exactly one split (seed %d)", seed).isEqualTo(order.size());
      for (var e : perClass.entrySet()) {
        Map<String, Long> actual = tensors.values().stream().filter(t -> t.label() == e.getKey())
            .collect(Collectors.groupingBy(SparkFixture.Tensor::split, TreeMap::new, Collectors.counting()));
        assertThat(actual).as("splits of class %d with %d rows (seed %d)", e.getKey(), e.getValue(), seed)
            .isEqualTo(expectedByRank(e.getValue()));
      }
    }
  }

  /** For n rows of a class: rank r (1..n) goes to the first split whose cumulative ratio exceeds (r-1)/n. */
  private static Map<String, Long> expectedByRank(int n) {
    Map<String, Long> out = new TreeMap<>();
    for (int r = 1; r <= n; r++) {
      double p = (r - 1) / (double) n;
      String split = p < 0.8 ? "train" : p < 0.8 + 0.1 ? "validation" : "test";
      out.merge(split, 1L, Long::sum);
    }
    return out;
  }

  private static Map<Integer, String[]> reindex(List<String> lines) {
    Map<Integer, String[]> good = new TreeMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      if (Integer.parseInt(f[0]) <= 6 && f[1].split(" ").length == 48 * 48) {
        good.put(i + 1, f);
      }
    }
    return good;
  }

  private static String unsigned(byte[] pixels) {
    return IntStream.range(0, pixels.length).mapToObj(i -> Integer.toString(pixels[i] & 0xFF))
        .collect(Collectors.joining(" "));
  }

  private static String pixels(SplittableRandom random, int n) {
    return IntStream.range(0, n).mapToObj(i -> Integer.toString(random.nextInt(256))).collect(Collectors.joining(" "));
  }
}
