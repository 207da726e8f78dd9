package org.ferspark.preprocessing.spark;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
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
 * The preprocessing job's Spark pipeline: plan the input on the driver, then one pass on the executors that lists
 * and parses it, assigns splits, decodes/crops/grays/resizes/augments and writes the Parquet tensors and the rejects
 * while counting everything the manifest reports; last, {@code manifest.json}. Image bytes never pass through the
 * driver, and nothing is cached.
 *
 * <p>Run it through {@code submit-scripts/preprocess.sh}; tests call {@link #run} with their own session.
 */
public final class PreprocessPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(PreprocessPipeline.class);

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
    RunStats stats = new RunStats();
    spark.sparkContext().register(stats, "fer-preprocess-stats");
    // One Spark job: list (and rank label folders) or parse -> [rank by class] -> [duplicate check by id |
    // repartition by id] -> decode, crop, augment, write the Parquet files and rejects. Spark SQL only runs the
    // shuffles a plan needs; a label-folder listing is processed where it is listed. Everything the manifest counts
    // is counted on the way (RunStats), not in later passes, and nothing is cached.
    Map<String, Map<String, Double>> ratios = poolRatios(settings);
    int cores = spark.sparkContext().defaultParallelism();
    int csvCopies = InputListing.csvCopies(plan, cores, csvBytes(plan, hadoop), settings.partitions());
    JavaRDD<ListedInput> inputs = InputListing.rows(spark, plan, conf, settings.seed(), ratios, csvCopies);
    SplitAssigner.Needs needs = needs(plan, cores, csvCopies);
    if (needs.ranks() || needs.duplicateIds() || needs.repartition() || settings.partitions() > 0) {
      try (QuerySettings ignored = QuerySettings.apply(spark, querySettings(plan))) {
        JavaRDD<InternalRow> rows = inputs.map(ListedInput::toRow);
        inputs = SplitAssigner.assign(spark.internalCreateDataFrame(rows.rdd(), TensorSchema.INPUT, false),
            settings.seed(), ratios, needs, settings.partitions()).queryExecution().toRdd().toJavaRDD()
            .map(ListedInput::fromRow);
      }
    }
    inputs.foreachPartition(new ProcessPartition(settings, conf, stats));
    Collection<PartitionStats> partitions = stats.value().values();
    TensorOutput.commit(settings.output(), partitions, hadoop);
    RejectsOutput.commit(settings.output(), partitions, hadoop);
    return summarise(settings, plan, partitions, hadoop, start);
  }

  /**
   * The SQL settings of this job's shuffles, set while they are planned and run (they fit its rows, not other jobs'
   * queries): processing partitions sized from the shuffled input rows (AQE coalescing of spark.sql.shuffle.partitions:
   * a few thousand inputs each, at least one per core unless the input is tiny), so no count is needed first.
   */
  private static Map<String, String> querySettings(InputPlan plan) {
    boolean inlinePixels = plan.format().equals("fer2013-csv");
    return Map.of(
        "spark.sql.adaptive.advisoryPartitionSizeInBytes", inlinePixels ? "16m" : "512k",
        "spark.sql.adaptive.coalescePartitions.minPartitionSize", "32k");
  }

  /**
   * Which shuffles the plan needs: ranks where some input has no split of its own, a check where ids can repeat,
   * and a repartition unless the listing has at least two tasks per core (each label folder, or each label whose
   * folders are ranked, is one listing task; processing them where they are listed saves a shuffle of every input
   * row, and with several tasks per core the uneven folder sizes still keep the cores busy) or CSVs read whole are
   * read by a task per core ({@code csvCopies}, {@link InputListing#csvCopies}).
   */
  static SplitAssigner.Needs needs(InputPlan plan, int cores, int csvCopies) {
    if (plan instanceof InputPlan.Folder folder) {
      // ids are paths below the root, so unique; the listing ranks label folders itself (InputListing)
      int tasks = InputListing.listingTasks(folder.dirs()).size() + (folder.strayFiles().isEmpty() ? 0 : 1);
      return new SplitAssigner.Needs(false, false, tasks < 2 * cores);
    }
    InputPlan.Csv csv = (InputPlan.Csv) plan;
    if (InputListing.ranksInTheListing(csv)) {
      // read by one task per core: process the rows there; by one task: spread them over the cores
      return new SplitAssigner.Needs(false, false, csvCopies < cores);
    }
    return new SplitAssigner.Needs(csv.files().stream().anyMatch(f -> f.parser().leavesSplitsToAssign()),
        csv.files().stream().anyMatch(f -> f.parser().idsMayRepeat()), true);
  }

  /** The total size of a CSV plan's files (0 for a folder plan): one status call per file, on the driver. */
  private static long csvBytes(InputPlan plan, Configuration hadoop) throws IOException {
    if (!(plan instanceof InputPlan.Csv csv)) {
      return 0;
    }
    long bytes = 0;
    for (InputPlan.CsvFile file : csv.files()) {
      Path path = new Path(file.path());
      bytes += path.getFileSystem(hadoop).getFileStatus(path).getLen();
    }
    return bytes;
  }

  private static PreprocessReport summarise(PreprocessSettings settings, InputPlan plan,
      Collection<PartitionStats> partitions, Configuration hadoop, long start) throws IOException {
    long inputCount = 0;
    long fingerprint = 0;
    Map<String, Manifest.SplitCounts> splits = new HashMap<>();
    Map<String, Long> rejected = new TreeMap<>();
    long originals = 0;
    long augmented = 0;
    for (PartitionStats p : partitions) {
      inputCount += p.inputs;
      fingerprint ^= p.fingerprint;
      p.rejected.forEach((reason, n) -> rejected.merge(reason, n, Long::sum));
      for (Map.Entry<String, long[]> e : p.tensors.entrySet()) {
        String[] splitAndLabel = e.getKey().split("/", 2);
        Manifest.SplitCounts c = splits.computeIfAbsent(splitAndLabel[0],
            s -> new Manifest.SplitCounts(new TreeMap<>(), new TreeMap<>()));
        c.originalByClass().merge(splitAndLabel[1], e.getValue()[0], Long::sum);
        c.augmentedByClass().merge(splitAndLabel[1], e.getValue()[1], Long::sum);
        originals += e.getValue()[0];
        augmented += e.getValue()[1];
      }
    }
    if (inputCount == 0) {
      throw new InputError("input " + settings.input() + " holds no images (format " + plan.format() + ")");
    }
    long rejectedTotal = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (originals + rejectedTotal != inputCount) {
      throw new IllegalStateException("accounting mismatch: " + inputCount + " inputs but " + originals
          + " written + " + rejectedTotal + " rejected; the output is incomplete and has no manifest");
    }
    long duplicates = CrossSplitDuplicates.count(partitions);
    if (duplicates > 0) {
      LOG.warn("{} distinct images appear in more than one split (pixel-identical); see manifest.json", duplicates);
    }
    String inputFingerprint = String.format("%016x", fingerprint);
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
    LOG.info("{} inputs in {} partitions: wrote {} tensors ({} originals, {} augmented), rejected {} in {} s;"
        + " manifest {}", inputCount, partitions.size(), originals + augmented, originals, augmented, rejectedTotal,
        String.format("%.1f", seconds), written);
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
        "_" + TensorSchema.MANIFEST + ".tmp", RejectsOutput.TMP_DIR)) {
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
