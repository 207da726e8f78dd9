package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's progress lines for long stages, on a real local Spark job reading 8 files of 125 lines. */
class StageProgressTest {
  @TempDir static Path dir;
  static SparkSession spark;

  @BeforeAll
  static void session() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("StageProgressTest")
        .config("spark.ui.enabled", "false").config("spark.executor.heartbeatInterval", "200ms").getOrCreate();
    for (int f = 0; f < 8; f++) {
      int first = f * 125;
      Files.writeString(dir.resolve("part-" + f + ".txt"), IntStream.range(first, first + 125)
          .mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n")));
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Every clock reading is one second after the previous one. */
  static StageProgress attach(SparkContext sc, double intervalSeconds, List<String> lines) {
    AtomicLong t = new AtomicLong();
    return new StageProgress("fer-test", intervalSeconds, () -> t.addAndGet(1_000_000_000L), lines::add).attach(sc);
  }

  static long countLines(SparkContext sc) throws Exception {
    long n = sc.textFile(dir.toString(), 8).count();
    sc.listenerBus().waitUntilEmpty(30_000);
    return n;
  }

  @Test
  void aLongStageLogsTasksDoneRecordsRateAndEtaThenItsEnd() throws Exception {
    SparkContext sc = spark.sparkContext();
    List<String> lines = new CopyOnWriteArrayList<>();
    try (StageProgress p = attach(sc, 2, lines)) {
      assertThat(countLines(sc)).isEqualTo(1000);
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    List<String> progress = lines.subList(0, lines.size() - 1);
    assertThat(progress).allSatisfy(l -> assertThat(l).matches(
        "fer-test: stage \\d+ \\(count at StageProgressTest\\.java:\\d+\\): [0-7] of 8 tasks \\(\\d+\\.\\d %\\),"
            + " [\\d,]+ records read, [\\d,]+ records/s, ETA (\\d+:\\d\\d:\\d\\d|after the first task)"));
    assertThat(lines.get(lines.size() - 1)).matches(
        "fer-test: stage \\d+ \\(count at StageProgressTest\\.java:\\d+\\) done: 8 of 8 tasks, 1,000 records read"
            + " in \\d+:\\d\\d:\\d\\d");
  }

  @Test
  void aShortStageIsSilentAndAClosedListenerHearsNothing() throws Exception {
    SparkContext sc = spark.sparkContext();
    List<String> quiet = new CopyOnWriteArrayList<>();
    List<String> closed = new CopyOnWriteArrayList<>();
    attach(sc, 0, closed).close();
    try (StageProgress slow = attach(sc, 1e6, quiet)) {
      countLines(sc);
    }
    assertThat(quiet).as("no stage ran for an interval").isEmpty();
    assertThat(closed).isEmpty();
  }

  @Test
  void runningTasksReportTheirRecordsThroughHeartbeats() throws Exception {
    SparkContext sc = spark.sparkContext();
    List<String> lines = new CopyOnWriteArrayList<>();
    try (StageProgress p = attach(sc, 2, lines)) {
      long n = JavaSparkContext.fromSparkContext(sc).textFile(dir.toString()).coalesce(2).map(l -> {
        Thread.sleep(4);
        return l;
      }).count();
      sc.listenerBus().waitUntilEmpty(30_000);
      assertThat(n).isEqualTo(1000);
    }
    assertThat(lines).as("before any of the 2 tasks (500 lines each, 2 s) ended, heartbeats every 200 ms")
        .anyMatch(l -> l.matches(
            "fer-test: stage \\d+ \\(count at .*\\): 0 of 2 tasks \\(0\\.0 %\\), [\\d,]+ records read,"
                + " [\\d,]+ records/s, ETA after the first task"));
  }

  @Test
  void clockTimeIsHoursMinutesSeconds() {
    assertThat(StageProgress.clockTime(0)).isEqualTo("0:00:00");
    assertThat(StageProgress.clockTime(59.6)).isEqualTo("0:01:00");
    assertThat(StageProgress.clockTime(3 * 3600 + 25 * 60 + 7)).isEqualTo("3:25:07");
  }
}
