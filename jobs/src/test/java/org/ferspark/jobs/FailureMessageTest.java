package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class FailureMessageTest {
  @Test
  void aSparkTaskFailureBecomesTheFileAndTheRootCause() {
    String part = "file:/data/out/tensors/split=test/part-00000-abc.c000.zstd.parquet";
    Throwable parquet = new RuntimeException(part + " is not a Parquet file. Expected magic number at tail");
    Throwable read = new SparkException("Encountered error while reading file " + part + ". Details:", parquet);
    Throwable job = new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times, most "
        + "recent failure: Lost task 0.0 in stage 1.0 (TID 1) (host executor driver): " + read + "\n\tat x.y(Z.java:1)",
        read);

    assertThat(FailureMessage.of(job)).isEqualTo(part + ": this file is not a Parquet file. Expected magic number at "
        + "tail");
  }

  @Test
  void ourOwnErrorIsTakenAsItIsWhereverItSitsInTheChain() {
    Throwable wrapped = new SparkException("Job aborted", new RuntimeException("task", new InputError(
        "hdfs://nn/x.csv: bad header")));

    assertThat(FailureMessage.of(wrapped)).isEqualTo("hdfs://nn/x.csv: bad header");
  }

  @Test
  void multiLineMessagesAreFoldedAndATypeIsKeptWhereItSaysSomething() {
    Throwable e = new IOException("wrapper", new java.io.EOFException("Unexpected end of input\n at [Source: x; "
        + "line: 1]"));

    assertThat(FailureMessage.of(e)).isEqualTo("EOFException: Unexpected end of input at [Source: x; line: 1]");
  }

  @Command(name = "fer-boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("first line\nsecond line");
    }
  }

  @Test
  void theRunnerPrintsOneLineAndTheTraceOnlyWithVerbose() {
    StringWriter quiet = new StringWriter();
    assertThat(JobRunner.execute(new Boom(), new String[0], new PrintWriter(quiet), new PrintWriter(quiet)))
        .isEqualTo(JobRunner.FAILED);
    assertThat(quiet.toString()).isEqualTo("fer-boom: error: IllegalStateException: first line second line"
        + System.lineSeparator());

    StringWriter verbose = new StringWriter();
    assertThat(JobRunner.execute(new Boom(), new String[] {"--verbose"}, new PrintWriter(verbose),
        new PrintWriter(verbose))).isEqualTo(JobRunner.FAILED);
    assertThat(verbose.toString()).startsWith("fer-boom: error: ").contains("\tat ");
  }
}
