package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext$;
import org.ferspark.preprocessing.io.OutputClaim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line contract of {@code fer-preprocess}: exit 2 for bad usage (reported before Spark starts), 1 for
 * an unusable input, 0 with a parsable {@code fer-preprocess: {json}} last line on success. The job never sets a
 * master; this test supplies {@code spark.master} as a system property, as spark-submit would.
 */
class PreprocessJobTest {
  private static final Map<String, String> SPARK_PROPS = Map.of(
      "spark.master", "local[2]", "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "4",
      "spark.driver.host", "127.0.0.1");

  @TempDir
  static Path tmp;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void sparkProperties() {
    SPARK_PROPS.forEach(System::setProperty);
  }

  @AfterAll
  static void clearSparkProperties() {
    SPARK_PROPS.keySet().forEach(System::clearProperty);
  }

  @Test
  void dropsOnlyNd4jsKryoRegistrator() {
    assertThat(PreprocessJob.withoutNd4jRegistrator("org.nd4j.kryo.Nd4jRegistrator")).as("ND4J's alone").isEmpty();
    assertThat(PreprocessJob.withoutNd4jRegistrator("a.Mine, org.nd4j.kryo.Nd4jRegistrator,b.Other"))
        .as("a user's registrators are kept").isEqualTo("a.Mine,b.Other");
    assertThat(PreprocessJob.withoutNd4jRegistrator("")).as("none").isEmpty();
  }

  @Test
  void preloadsOpenCvOnlyWhereTheDriverRunsTheTasks() throws InterruptedException {
    assertThat(PreprocessJob.preloadOpenCvInLocalMode("yarn")).as("yarn").isNull();
    assertThat(PreprocessJob.preloadOpenCvInLocalMode("spark://host:7077")).as("standalone").isNull();
    Thread preload = PreprocessJob.preloadOpenCvInLocalMode("local[2]");
    assertThat(preload).as("local[2]").isNotNull();
    preload.join(60_000);
    assertThat(preload.isAlive()).as("loading finished").isFalse();
    assertThat(preload.isDaemon()).as("never keeps the JVM alive").isTrue();
  }

  @Test
  void exitsTwoForAnUnknownOption() {
    Result r = run("--input", "x", "--output", tmp.resolve("o1").toString(), "--frobnicate");
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(JobRunner.USAGE);
    assertThat(r.err()).as("stderr names the option").contains("--frobnicate");
    assertNoSparkStarted();
  }

  @Test
  void exitsTwoWithoutInput() {
    Result r = run("--output", tmp.resolve("o2").toString());
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(JobRunner.USAGE);
    assertThat(r.err()).as("stderr names the missing option").contains("--input");
    assertNoSparkStarted();
  }

  @Test
  void exitsTwoForAnUnknownSetKey() {
    Result r = run("--input", "x", "--output", tmp.resolve("o3").toString(), "--set", "fer.preprocess.no-such-key=1");
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(JobRunner.USAGE);
    assertThat(r.err()).as("stderr names the key").contains("fer.preprocess.no-such-key");
    assertNoSparkStarted();
  }

  @Test
  void exitsTwoForAnOutOfRangeValueNamingTheKey() {
    Result r = run("--input", "x", "--output", tmp.resolve("o4").toString(),
        "--set", "fer.preprocess.split-ratios.train=2");
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(JobRunner.USAGE);
    assertThat(r.err()).as("stderr names the key").contains("fer.preprocess.split-ratios.train");
    assertNoSparkStarted();
  }

  @Test
  void exitsTwoForANonNumericFlag() {
    Result r = run("--input", "x", "--output", tmp.resolve("o5").toString(), "--augment-copies", "many");
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(JobRunner.USAGE);
    assertNoSparkStarted();
  }

  @Test
  void exitsOneForAMissingInputPathNamingIt() {
    Path missing = tmp.resolve("no-such-input");
    Result r = run("--input", missing.toString(), "--output", tmp.resolve("o6").toString());
    assertThat(r.exit()).as("exit code; stderr tail: %s", tail(r.err())).isEqualTo(JobRunner.FAILED);
    assertThat(r.err()).as("stderr names the input").contains("fer-preprocess: error: ").contains(missing.toString());
    assertNoSparkStarted();
  }

  @Test
  void exitsZeroOnTheSampleAndPrintsAParsableSummaryLine() throws Exception {
    Path sample = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample");
    Path out = tmp.resolve("sample-out");
    Result r = run("--input", sample.toString(), "--output", out.toString(), "--augment-copies", "1");
    assertThat(r.exit()).as("exit code; stderr tail: %s", tail(r.err())).isEqualTo(JobRunner.OK);
    List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
    String last = lines.get(lines.size() - 1);
    assertThat(last).as("last stdout line").startsWith("fer-preprocess: {");
    JsonNode summary = new ObjectMapper().readTree(last.substring("fer-preprocess: ".length()));
    assertThat(summary.path("inputs").asLong()).as("inputs").isEqualTo(420);
    assertThat(summary.path("written").asLong()).as("written").isEqualTo(420);
    assertThat(summary.path("rejected").asLong()).as("rejected").isZero();
    assertThat(summary.path("augmented").asLong()).as("augmented (one per train image)").isEqualTo(280);
    assertThat(summary.path("bySplit").path("train").asLong()).as("train originals").isEqualTo(280);
    assertThat(summary.path("manifest").asText()).as("manifest path").endsWith("manifest.json");
    assertThat(out.resolve("manifest.json")).as("manifest written").isRegularFile();
    assertNoSparkStarted();
  }

  @Test
  void refusesAnOutputInsideTheInputBeforeWritingAnything() throws Exception {
    Path input = tinyInput("inside");
    Path out = input.resolve("out");
    Result r = run("--input", input.toString(), "--output", out.toString());
    assertThat(r.exit()).as("exit code; stderr tail: %s", tail(r.err())).isEqualTo(JobRunner.FAILED);
    assertThat(r.err()).contains("fer-preprocess: error: --output " + out + " is inside --input " + input);
    assertThat(out).doesNotExist();
    assertNoSparkStarted();
  }

  @Test
  void aSecondRunIntoAClaimedOutputIsRefusedNamingTheFirst() throws Exception {
    Path input = tinyInput("claimed");
    Path out = tmp.resolve("claimed-out");
    try (OutputClaim first = OutputClaim.acquire(new org.apache.hadoop.fs.Path(out.toUri()),
        new org.apache.hadoop.conf.Configuration(), "fer-preprocess", false)) {
      Result r = run("--input", input.toString(), "--output", out.toString(), "--overwrite");
      assertThat(r.exit()).as("exit code; stderr tail: %s", tail(r.err())).isEqualTo(JobRunner.FAILED);
      assertThat(r.err().lines().filter(l -> l.startsWith("fer-preprocess:"))).singleElement().asString()
          .contains("is in use by another run: fer-preprocess on host")
          .contains("pid " + ProcessHandle.current().pid());
      assertThat(out.resolve(OutputClaim.FILE)).as("the first run's claim is left alone").exists();
    }
    assertNoSparkStarted();
  }

  /** A folder-format input with one (undecodable) image: enough for the planner, which reads only names. */
  private Path tinyInput(String name) throws java.io.IOException {
    Path input = tmp.resolve(name).resolve("happy");
    java.nio.file.Files.createDirectories(input);
    java.nio.file.Files.write(input.resolve("a.jpg"), new byte[] {1, 2, 3});
    return input.getParent();
  }

  private static void assertNoSparkStarted() {
    assertThat(SparkContext$.MODULE$.getActive().isDefined()).as("a SparkContext left running").isFalse();
  }

  private static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = JobRunner.execute(new PreprocessJob(), args);
      return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      out.println("fer-preprocess " + Arrays.toString(args) + " ->\n" + tail(o.toString(StandardCharsets.UTF_8))
          + "\n" + tail(e.toString(StandardCharsets.UTF_8)));
    }
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
  }
}
