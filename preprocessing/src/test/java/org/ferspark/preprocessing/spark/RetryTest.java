package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that fails and is retried by Spark yields the same output as a clean run: {@code local[2,2]} allows two
 * attempts per task, and {@code fer.preprocess.testing.fail-first-attempt-of-partition=0} makes the first attempt
 * of partition 0 throw after it has produced rows.
 */
class RetryTest {
  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Path input;
  static final AtomicInteger failedTasks = new AtomicInteger();
  static final AtomicInteger retriedTasksSucceeded = new AtomicInteger();

  @BeforeAll
  static void startSpark() throws IOException {
    spark = SparkFixture.start("local[2,2]", true);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().failed()) {
          failedTasks.incrementAndGet();
        } else if (end.taskInfo().successful() && end.taskInfo().attemptNumber() > 0) {
          retriedTasksSucceeded.incrementAndGet();
        }
      }
    });
    input = tmp.resolve("input");
    Path sample = SparkFixture.sampleData().resolve("train");
    for (String label : List.of("happy", "sad", "fear")) {
      SparkFixture.copyFirst(sample.resolve(label), input.resolve(label), 10);
    }
    Files.write(input.resolve("happy/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2});
    Files.write(Files.createDirectories(input.resolve("smile")).resolve("x.jpg"), new byte[] {1});
  }

  @AfterAll
  static void stopSpark() {
    SparkFixture.stop(spark);
  }

  @Test
  void aRetriedTaskGivesTheSameTensorsAndRejectsAsACleanRun() throws Exception {
    Path clean = tmp.resolve("clean");
    PreprocessReport cleanReport = PreprocessPipeline.run(spark, SparkFixture.settings(input, clean,
        Map.of("fer.preprocess.partitions", 2, "fer.preprocess.augment-copies", 1)));
    awaitListeners();
    assertThat(failedTasks.get()).as("failed tasks of the clean run").isZero();

    Path retried = tmp.resolve("retried");
    PreprocessReport retriedReport = PreprocessPipeline.run(spark, SparkFixture.settings(input, retried,
        Map.of("fer.preprocess.partitions", 2, "fer.preprocess.augment-copies", 1,
            "fer.preprocess.testing.fail-first-attempt-of-partition", 0)));
    awaitListeners();
    assertThat(failedTasks.get()).as("tasks that failed (the injected failure)").isGreaterThanOrEqualTo(1);
    assertThat(retriedTasksSucceeded.get()).as("tasks that succeeded on a second attempt").isGreaterThanOrEqualTo(1);

    assertThat(SparkFixture.fingerprintById(SparkFixture.tensors(spark, retried.toString())))
        .as("tensors (id -> split/label/copy/pixels) after a retry vs a clean run")
        .isEqualTo(SparkFixture.fingerprintById(SparkFixture.tensors(spark, clean.toString())));
    var hadoop = spark.sparkContext().hadoopConfiguration();
    Set<SparkFixture.Reject> cleanRejects = new HashSet<>(SparkFixture.rejects(clean.toString(), hadoop));
    assertThat(cleanRejects).as("rejects of the clean run").hasSize(2);
    assertThat(SparkFixture.rejects(retried.toString(), hadoop)).as("rejects after a retry")
        .hasSize(2).containsExactlyInAnyOrderElementsOf(cleanRejects);
    assertThat(retriedReport.rejectedByReason()).as("rejects by reason").isEqualTo(cleanReport.rejectedByReason());
    assertThat(retriedReport.originalsBySplit()).as("originals by split").isEqualTo(cleanReport.originalsBySplit());
    assertThat(retriedReport.inputs()).as("inputs").isEqualTo(cleanReport.inputs()).isEqualTo(32);
    // the dataset fingerprint covers the resolved config, which here differs by the fault-injection key
    assertThat(SparkFixture.manifest(retried.toString(), hadoop).path("inputFingerprint").asText())
        .as("input fingerprint").isEqualTo(SparkFixture.manifest(clean.toString(), hadoop).path("inputFingerprint").asText());
  }

  /** The listener bus is asynchronous; give it time to deliver the last task events. */
  private static void awaitListeners() throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
  }
}
