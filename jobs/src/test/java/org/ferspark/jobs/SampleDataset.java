package org.ferspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.spark.PreprocessPipeline;

/** Test fixtures for the jobs run without Spark: data/sample preprocessed once, and a job run with its stderr. */
public final class SampleDataset {
  /** The repository root. */
  public static final Path ROOT = Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();

  private SampleDataset() {
  }

  /** What a job run returned: its exit code and what it printed on stderr. */
  public record Run(int code, String err) {}

  /**
   * Preprocesses {@code data/sample} into {@code dir} with default settings in a short-lived {@code local[2]}
   * session (stopped before returning, so the job under test runs without one); returns {@code dir} as a string.
   */
  public static String preprocess(Path dir, String appName) throws IOException {
    SparkSession spark = SparkSession.builder().master("local[2]").appName(appName)
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    try {
      PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()),
          ROOT.resolve("data/sample").toString(), dir.toString(), true));
      return dir.toString();
    } finally {
      spark.stop();
    }
  }

  /** Runs {@code job} with {@code args} as its command line would, stdout dropped, stderr kept. */
  public static Run run(Object job, String... args) {
    StringWriter err = new StringWriter();
    int code = JobRunner.execute(job, args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    return new Run(code, err.toString());
  }
}
