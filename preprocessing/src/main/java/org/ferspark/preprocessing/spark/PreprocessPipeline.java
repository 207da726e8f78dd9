package org.ferspark.preprocessing.spark;

import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sha1;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputPlanner;
import org.ferspark.preprocessing.dataset.Splits;
import org.ferspark.preprocessing.io.OutputClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preprocessing job's Spark pipeline: plan the input on the driver, list and parse it on the executors,
 * assign splits, decode/crop/gray/resize/augment per partition, then write the Parquet tensors, the rejects list
 * and, last, {@code manifest.json}. Image bytes never pass through the driver.
 *
 * <p>Run it through {@code submit-scripts/preprocess.sh}; tests call {@link #run} with their own session.
 */
public final class PreprocessPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(PreprocessPipeline.class);
  private static final int IMAGES_PER_PARTITION = 2000;

  private PreprocessPipeline() {}

  /**
   * Runs the whole job.
   *
   * @throws InputError for an unusable input or an output that exists without {@code overwrite}
   */
  public static PreprocessReport run(SparkSession spark, PreprocessSettings settings) throws IOException {
    long start = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // Plan (and so validate) the input before touching the output: an unusable input never costs a user the
    // previous output, even with --overwrite.
    InputPlan plan = new InputPlanner(hadoop, settings).plan();
    checkOutputOutsideInput(settings, hadoop);
    try (OutputClaim claim = OutputClaim.acquire(new Path(settings.output()), hadoop, "fer-preprocess",
        settings.overwrite())) {
      prepareOutput(settings, hadoop);
      return process(spark, settings, plan, hadoop, start);
    }
  }

  private static PreprocessReport process(SparkSession spark, PreprocessSettings settings, InputPlan plan,
      Configuration hadoop, long start) throws IOException {
    LOG.info("Input {} read as format '{}'", settings.input(), plan.format());
    SerializableHadoopConf conf = new SerializableHadoopConf(hadoop);

    Dataset<Row> inputs = InputListing.of(spark, plan, conf).persist(StorageLevel.DISK_ONLY());
    Row stats = inputs.agg(count("*"), bit_xor(xxhash64(col("id"), col("source"), col("label"), col("split"),
        col("box_x"), col("box_y"), col("box_w"), col("box_h"), col("file_size"), col("inline_pixels"))))
        .first();
    long inputCount = stats.getLong(0);
    if (inputCount == 0) {
      throw new InputError("input " + settings.input() + " holds no images (format " + plan.format() + ")");
    }
    String inputFingerprint = String.format("%016x", stats.isNullAt(1) ? 0L : stats.getLong(1));
    int partitions = settings.partitions() > 0 ? settings.partitions()
        : (int) Math.max(spark.sparkContext().defaultParallelism(), (inputCount + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION);
    LOG.info("{} inputs in {} partitions", inputCount, partitions);

    Dataset<Row> assigned = SplitAssigner.assign(inputs, settings.seed(), poolRatios(settings))
        .repartition(partitions, col("id"))
        .sortWithinPartitions("id");
    // Results are cached on local disk, not in the heap, between the tensor write, the rejects write and the
    // counts: executor memory stays bounded by one partition (MEMORY_AND_DISK_SER filled a 2 GB heap at 400k of
    // 1M images, bench/RESULTS.md).
    Dataset<Row> results = spark.createDataFrame(
        assigned.toJavaRDD().mapPartitions(new ProcessPartition(settings, conf)), TensorSchema.RESULT)
        .persist(StorageLevel.DISK_ONLY());
    try {
      writeTensors(results, settings);
      writeRejects(results, settings);
      return summarise(spark, settings, plan, results, inputCount, inputFingerprint, hadoop, start);
    } finally {
      results.unpersist();
      inputs.unpersist();
    }
  }

  private static void writeTensors(Dataset<Row> results, PreprocessSettings settings) {
    results.filter(col("reason").isNull())
        .select(Arrays.stream(TensorSchema.TENSOR.fieldNames()).map(functions::col).toArray(Column[]::new))
        .write()
        .mode(SaveMode.ErrorIfExists)
        .option("compression", settings.compression())
        .option("parquet.enable.dictionary#pixels", "false")
        .option("parquet.block.size", String.valueOf(16 << 20))
        .partitionBy("split")
        .parquet(new Path(settings.output(), TensorSchema.TENSORS_DIR).toString());
  }

  private static void writeRejects(Dataset<Row> results, PreprocessSettings settings) {
    results.filter(col("reason").isNotNull())
        .select("source", "id", "reason", "detail")
        .coalesce(1)
        .write()
        .mode(SaveMode.ErrorIfExists)
        .json(new Path(settings.output(), TensorSchema.REJECTS_DIR).toString());
  }

  private static PreprocessReport summarise(SparkSession spark, PreprocessSettings settings, InputPlan plan,
      Dataset<Row> results, long inputCount, String inputFingerprint, Configuration hadoop, long start)
      throws IOException {
    Map<String, Manifest.SplitCounts> splits = new HashMap<>();
    Map<String, Long> rejected = new TreeMap<>();
    long originals = 0;
    long augmented = 0;
    for (Row r : results.groupBy("split", "label_name", "copy", "reason").count().collectAsList()) {
      long n = r.getLong(4);
      if (!r.isNullAt(3)) {
        rejected.merge(r.getString(3), n, Long::sum);
        continue;
      }
      Manifest.SplitCounts c = splits.computeIfAbsent(r.getString(0),
          s -> new Manifest.SplitCounts(new TreeMap<>(), new TreeMap<>()));
      boolean original = r.getInt(2) == 0;
      (original ? c.originalByClass() : c.augmentedByClass()).merge(r.getString(1), n, Long::sum);
      if (original) {
        originals += n;
      } else {
        augmented += n;
      }
    }
    long rejectedTotal = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (originals + rejectedTotal != inputCount) {
      throw new IllegalStateException("accounting mismatch: " + inputCount + " inputs but " + originals
          + " written + " + rejectedTotal + " rejected; the output is incomplete and has no manifest");
    }
    long duplicates = results.filter(col("reason").isNull().and(col("copy").equalTo(0)))
        .groupBy(sha1(col("pixels"))).agg(countDistinct(col("split")).as("splits"))
        .filter(col("splits").gt(1)).count();
    if (duplicates > 0) {
      LOG.warn("{} distinct images appear in more than one split (pixel-identical); see manifest.json", duplicates);
    }
    List<String> labels = Emotion.labelNames(settings.classes());
    Path input = new Path(settings.input());
    String qualifiedInput = input.getFileSystem(hadoop).makeQualified(input).toString();
    var manifest = Manifest.build(settings, qualifiedInput, plan.format(), labels, inputCount, inputFingerprint,
        splits, rejected, duplicates);
    Path written = Manifest.write(manifest, settings.output(), hadoop);
    Map<String, Long> bySplit = new LinkedHashMap<>();
    for (String split : Splits.ALL) {
      bySplit.put(split, splits.containsKey(split)
          ? splits.get(split).originalByClass().values().stream().mapToLong(Long::longValue).sum() : 0L);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("Wrote {} tensors ({} originals, {} augmented), rejected {} in {} s; manifest {}", originals + augmented,
        originals, augmented, rejectedTotal, String.format("%.1f", seconds), written);
    return new PreprocessReport(plan.format(), inputCount, originals, augmented, rejectedTotal, rejected, bySplit,
        duplicates, settings.output(), written.toString(), manifest.get("fingerprint").asText(), seconds);
  }

  /** Refuses an existing output without {@code overwrite}; with it, removes only what this job writes. */
  static void prepareOutput(PreprocessSettings settings, Configuration hadoop) throws IOException {
    Path out = new Path(settings.output());
    FileSystem fs = out.getFileSystem(hadoop);
    if (!fs.exists(out)) {
      return;
    }
    if (!fs.getFileStatus(out).isDirectory()) {
      throw new InputError("output " + out + " exists and is a file");
    }
    boolean nonEmpty = Arrays.stream(fs.listStatus(out)).anyMatch(s -> !s.getPath().getName().equals(OutputClaim.FILE));
    if (nonEmpty && !settings.overwrite()) {
      throw new InputError("output " + out + " already exists and is not empty; pass --overwrite to replace it");
    }
    for (String own : List.of(TensorSchema.MANIFEST, TensorSchema.TENSORS_DIR, TensorSchema.REJECTS_DIR,
        "_" + TensorSchema.MANIFEST + ".tmp")) {
      fs.delete(new Path(out, own), true);
    }
  }

  /** Refuses an output inside the input (its files would become inputs of the next run) or equal to it. */
  static void checkOutputOutsideInput(PreprocessSettings settings, Configuration hadoop) throws IOException {
    Path in = new Path(settings.input());
    Path out = new Path(settings.output());
    Path input = in.getFileSystem(hadoop).makeQualified(in);
    Path output = out.getFileSystem(hadoop).makeQualified(out);
    String inside = input.toUri().getScheme() + "://" + input.toUri().getAuthority() + input.toUri().getPath();
    String outside = output.toUri().getScheme() + "://" + output.toUri().getAuthority() + output.toUri().getPath();
    String root = inside.endsWith("/") ? inside : inside + "/";
    if (outside.equals(inside) || outside.startsWith(root)) {
      throw new InputError("--output " + out + " is inside --input " + in + "; choose an output outside the input");
    }
  }

  private static Map<String, Map<String, Double>> poolRatios(PreprocessSettings settings) {
    double v = settings.affectNetValidationFraction();
    return Map.of(
        "default", settings.splitRatios(),
        "affectnet-training", Map.of(Splits.TRAIN, 1 - v, Splits.VALIDATION, v, Splits.TEST, 0.0));
  }
}
