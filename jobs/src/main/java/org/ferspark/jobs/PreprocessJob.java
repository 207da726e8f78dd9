package org.ferspark.jobs;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.ferspark.preprocessing.spark.PreprocessReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Spark job: labelled face images (folder per class, AffectNet CSV + images, or the FER2013 CSV) to sharded
 * Parquet tensors, a rejects list and {@code manifest.json}.
 *
 * <p>Needs only the input. Run: {@code submit-scripts/preprocess.sh --input data/sample --output out/sample}.
 */
@Command(name = "fer-preprocess", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Decode, crop, grayscale, resize to 48x48, augment and split face images into Parquet tensors.")
public final class PreprocessJob implements Callable<Integer> {
  private static final String KRYO_REGISTRATOR = "spark.kryo.registrator";
  private static final String ND4J_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Dataset root, AffectNet folder/CSV or FER2013 CSV (any Hadoop path).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output directory (any Hadoop path).")
  String output;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "folder | affectnet | fer2013-csv (default: detected where unambiguous).")
  String format;

  @Option(names = "--augment-copies", paramLabel = "N", description = "Augmented copies per training image.")
  Integer augmentCopies;

  @Option(names = "--seed", paramLabel = "N", description = "Seed for splits and augmentation.")
  Long seed;

  @Option(names = "--classes", paramLabel = "7|8", description = "Label set: 7 emotions, or 8 with contempt.")
  Integer classes;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  boolean overwrite;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new PreprocessJob(), args));
  }

  /** The settings from the flags, validated before Spark starts. */
  PreprocessSettings settings() {
    Map<String, Object> flags = new LinkedHashMap<>();
    if (format != null) {
      flags.put("fer.preprocess.format", format);
    }
    if (augmentCopies != null) {
      flags.put("fer.preprocess.augment-copies", augmentCopies);
    }
    if (seed != null) {
      flags.put("fer.preprocess.seed", seed);
    }
    if (classes != null) {
      flags.put("fer.classes", classes);
    }
    return PreprocessSettings.from(configOptions.load(flags), input, output, overwrite);
  }

  /**
   * The registrators of {@code spark.kryo.registrator} without ND4J's, which conf/spark-defaults.conf sets for every
   * job: it loads the ND4J backend (native libraries, seconds) in every JVM that creates a Kryo instance, and this
   * job never serialises an ND4J array.
   */
  static String withoutNd4jRegistrator(String registrators) {
    return Arrays.stream(registrators.split(","))
        .map(String::trim)
        .filter(r -> !r.isEmpty() && !r.equals(ND4J_REGISTRATOR))
        .collect(Collectors.joining(","));
  }

  /**
   * In local mode the driver JVM runs the tasks, and the first task would load OpenCV's native libraries (about a
   * second: JavaCPP looks each one up in every jar of the classpath, then loads them): started here, on a thread of
   * its own, that overlaps with Spark's start-up. A failure is left to the task, which loads them again and reports it.
   */
  static Thread preloadOpenCvInLocalMode(String master) {
    if (!master.startsWith("local")) {
      return null;
    }
    Thread preload = new Thread(() -> {
      try {
        FaceNormalizer.loadNatives();
      } catch (RuntimeException | LinkageError e) {
        // the first task loads them again and fails with this error, naming it
      }
    }, "fer-opencv-preload");
    preload.setDaemon(true);
    preload.start();
    return preload;
  }

  @Override
  public Integer call() throws Exception {
    PreprocessSettings settings = settings();
    JobRunner.startHeapSampler();
    preloadOpenCvInLocalMode(new SparkConf().get("spark.master", ""));
    SparkSession spark = SparkSession.builder().appName("fer-preprocess")
        .config(KRYO_REGISTRATOR, withoutNd4jRegistrator(new SparkConf().get(KRYO_REGISTRATOR, "")))
        .getOrCreate();
    StageProgress.follow(spark.sparkContext(), "fer-preprocess");
    try {
      PreprocessReport report = PreprocessPipeline.run(spark, settings);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("format", report.format());
      summary.put("inputs", report.inputs());
      summary.put("written", report.originals());
      summary.put("augmented", report.augmented());
      summary.put("rejected", report.rejected());
      summary.put("rejectedByReason", report.rejectedByReason());
      summary.put("bySplit", report.originalsBySplit());
      summary.put("crossSplitDuplicates", report.crossSplitDuplicates());
      summary.put("seconds", Math.round(report.seconds() * 100) / 100.0);
      summary.put("peakHeapMiB", JobRunner.peakHeapMiB());
      summary.put("manifest", report.manifest());
      JobRunner.printSummary("fer-preprocess", summary);
      return JobRunner.OK;
    } finally {
      spark.stop();
    }
  }
}
