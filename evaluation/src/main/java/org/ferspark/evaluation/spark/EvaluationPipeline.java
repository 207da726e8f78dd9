package org.ferspark.evaluation.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.images.InputStats;
import org.ferspark.evaluation.metrics.EvaluationAccumulator;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.predict.BatchScorer;
import org.ferspark.evaluation.predict.FaceViews;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.predict.PreparedModel;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.OneLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one split of a preprocessed dataset with one or more models in one pass over the Parquet tensors: each
 * model file's bytes are broadcast once, each executor JVM parses each model once ({@link PredictorCache}), every
 * partition is scored in batches by all models (plain and, if asked, test-time augmented) into one
 * {@link EvaluationAccumulator}, and only those accumulators (counts, bins, pair counts, a few gallery faces) travel
 * back, merged with {@code treeReduce}. No per-example result reaches the driver.
 *
 * <p>Needs a finished preprocessing output ({@code manifest.json} written) and model files of its classes.
 */
public final class EvaluationPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationPipeline.class);

  private EvaluationPipeline() {
  }

  /** The checked inputs of a run: the dataset's manifest and the models, loaded once on the driver. */
  public record Inputs(String data, String split, DatasetManifest manifest, List<PreparedModel> models) {
  }

  /**
   * Checks everything before Spark starts: the dataset has a manifest and the split, and every model loads, takes
   * the tensors and names the dataset's classes.
   *
   * @throws InputError naming the path and the problem
   */
  public static Inputs prepare(String data, String split, List<ModelSpec> specs, Configuration hadoop) {
    if (specs.isEmpty()) {
      throw new InputError("no model to evaluate");
    }
    DatasetManifest manifest = DatasetManifest.read(data, hadoop);
    if (manifest.height() != manifest.width()) {
      throw new InputError(data + ": tensors of " + manifest.height() + "x" + manifest.width() + "; evaluation "
          + "needs square faces");
    }
    Long total = manifest.splitTotals().get(split);
    if (total == null || total <= 0) {
      throw new InputError("split '" + split + "' of " + data + " is " + (total == null ? "missing" : "empty")
          + "; the manifest has " + manifest.splitTotals() + " (choose one with --split)");
    }
    Path dir = splitDir(data, split);
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      if (!fs.exists(dir) || fs.listStatus(dir, p -> p.getName().endsWith(".parquet")).length == 0) {
        throw new InputError("split '" + split + "' is listed in " + data + "/manifest.json but " + dir
            + " holds no Parquet files (incomplete copy?)");
      }
    } catch (IOException e) {
      throw new InputError("cannot list " + dir + ": " + e.getMessage());
    }
    List<PreparedModel> models = new ArrayList<>();
    for (ModelSpec spec : ModelSpec.uniqueNames(specs)) {
      models.add(PreparedModel.prepare(spec, manifest.labels(), hadoop));
    }
    return new Inputs(data, split, manifest, models);
  }

  /** Scores the split with every model; see the class comment. */
  public static EvaluationResult run(SparkSession spark, Inputs in, EvaluateSettings settings, boolean tta) {
    return run(spark, in, settings, tta, null, false);
  }

  /**
   * Scores the split with every model and, with {@code predictionsTarget} (a Hadoop path or URI), writes the
   * per-face predictions there ({@link Predictions}); {@code replace} replaces an existing one.
   */
  public static EvaluationResult run(SparkSession spark, Inputs in, EvaluateSettings settings, boolean tta,
      String predictionsTarget, boolean replace) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> labels = in.manifest().labels();
    int side = in.manifest().height();
    ScoringTask.Models models = ScoringTask.Models.broadcast(spark, in.models());
    LOG.info("fer-evaluate: split '{}' of {} with {}", in.split(), in.data(), describe(in.models()));
    try {
      Dataset<Row> faces = spark.read().parquet(splitDir(in.data(), in.split()).toString())
          .select("id", "source", "label", "pixels");
      List<Integer> notShared = classesSomeModelLacks(in.models(), labels);
      long excluded = 0;
      if (!notShared.isEmpty()) {
        Column lacking = functions.col("label").isin(notShared.toArray());
        excluded = faces.filter(lacking).count();
        faces = faces.filter(functions.not(lacking));
        LOG.info("fer-evaluate: scoring on the classes every model has: {} faces of {} left out",
            excluded, notShared.stream().map(labels::get).toList());
      }
      JavaRDD<Row> rows = faces.javaRDD();
      int partitions = settings.partitions() > 0 ? settings.partitions() : jsc.defaultParallelism();
      if (rows.getNumPartitions() < partitions) {
        rows = rows.repartition(partitions);
      }
      FaceViews.Tta mode = tta ? settings.ttaViews() : null;
      TensorTask score = new TensorTask(models, labels, mode, settings.batch(), side, settings.samplesPerCell(),
          settings.failuresPerClass(), settings.minConfidence(), predictionsTarget != null);
      EvaluationAccumulator total;
      try {
        total = ScoringTask.run(spark, rows, score, predictionsTarget, replace).total;
      } catch (Exception e) { // Scala throws SparkException, a checked exception, undeclared
        // Spark names the file when a footer fails at schema inference, not when a task fails to open one
        InputError unreadable = unreadablePart(splitDir(in.data(), in.split()), spark);
        if (unreadable != null) {
          unreadable.initCause(e);
          throw unreadable;
        }
        throw EvaluationPipeline.<RuntimeException>rethrow(e);
      }
      long expected = in.manifest().splitTotals().get(in.split());
      long scored = total.plain(0).examples();
      if (scored + excluded != expected) {
        throw new InputError("scored " + scored + " (+ " + excluded + " left out) tensors of split '" + in.split()
            + "' but " + in.data()
            + "/manifest.json counts " + expected + ": the tensors and the manifest do not belong together");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      LOG.info("fer-evaluate: {} faces of split '{}' x {} model(s){} in {} partitions, {} s ({} faces/s)", scored,
          in.split(), in.models().size(), tta ? " with TTA (" + mode.key() + ")" : "", rows.getNumPartitions(),
          String.format("%.1f", seconds), String.format("%.1f", scored / seconds));
      return result(in, total, seconds, mode);
    } finally {
      models.destroy();
    }
  }

  /**
   * Dataset class indices that at least one model cannot predict (a fine-tuned 6-class model, a peer with other
   * labels): their faces are left out, so every model is scored, and compared, on the same faces of shared classes.
   */
  static List<Integer> classesSomeModelLacks(List<PreparedModel> models, List<String> labels) {
    List<Integer> out = new ArrayList<>();
    for (PreparedModel m : models) {
      int[] outputFor = m.spec().convention().outputIndexFor(labels, m.spec().location());
      for (int c = 0; c < outputFor.length; c++) {
        if (outputFor[c] < 0 && !out.contains(c)) {
          out.add(c);
        }
      }
    }
    out.sort(null);
    if (out.size() > labels.size() - 2) {
      throw new InputError("the models share fewer than 2 of the classes " + labels + " among them");
    }
    return out;
  }

  /** The result records from the merged accumulator. */
  static EvaluationResult result(Inputs in, EvaluationAccumulator total, double seconds) {
    return result(in, total, seconds, FaceViews.Tta.SIX);
  }

  static EvaluationResult result(Inputs in, EvaluationAccumulator total, double seconds, FaceViews.Tta mode) {
    return new EvaluationResult(in.data(), in.split(), in.manifest().fingerprint(),
        evaluations(in.models(), in.manifest().labels(), total), total.pairs().tests(names(in.models())), seconds,
        mode == null ? null : mode.description());
  }

  /** Each model's results from the merged accumulator, in model order. */
  static List<ModelEvaluation> evaluations(List<PreparedModel> prepared, List<String> labels,
      EvaluationAccumulator total) {
    List<ModelEvaluation> models = new ArrayList<>();
    for (int m = 0; m < prepared.size(); m++) {
      PreparedModel pm = prepared.get(m);
      models.add(new ModelEvaluation(pm.spec().name(), pm.spec().location(), pm.metadata(),
          total.plain(m).toMetrics(labels), total.tta(m) == null ? null : total.tta(m).toMetrics(labels),
          total.samples(m).samples(), pm.history(), total.failures(m).failures(), pm.temperature(),
          total.uncalibrated(m) == null ? null : total.uncalibrated(m).toMetrics(labels)));
    }
    return models;
  }

  static List<String> names(List<PreparedModel> prepared) {
    return prepared.stream().map(pm -> pm.spec().name()).toList();
  }

  @SuppressWarnings("unchecked")
  private static <T extends Exception> T rethrow(Exception e) throws T {
    throw (T) e;
  }

  /** The first Parquet part of {@code dir} whose footer cannot be read, as an error naming it; null if none. */
  static InputError unreadablePart(Path dir, SparkSession spark) {
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      for (org.apache.hadoop.fs.FileStatus f : dir.getFileSystem(conf).listStatus(dir)) {
        String name = f.getPath().getName();
        if (!f.isFile() || name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(f.getPath(), conf))) {
          r.getFooter();
        } catch (IOException | RuntimeException e) {
          return new InputError(f.getPath() + ": not a readable Parquet file ("
              + OneLine.of(String.valueOf(e.getMessage())) + ")");
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  static Path splitDir(String data, String split) {
    return new Path(new Path(data, "tensors"), "split=" + split);
  }

  /** Executor side: one partition of {@code (id, source, label, pixels)} tensor rows. */
  static final class TensorTask extends ScoringTask {
    private static final long serialVersionUID = 1L;

    TensorTask(Models models, List<String> labels, FaceViews.Tta tta, int batch, int side, int samplesPerCell,
        int failuresPerClass, double minConfidence, boolean predictions) {
      super(models, labels, tta, batch, side, samplesPerCell, failuresPerClass, minConfidence, predictions);
    }

    @Override
    Feed open() {
      return new Feed() {
        @Override
        public void add(Row r, BatchScorer scorer) {
          scorer.add(r.getString(0), r.getString(1), null, r.getInt(2), (byte[]) r.get(3));
        }

        @Override
        public InputStats stats() {
          return null;
        }

        @Override
        public void close() {
        }
      };
    }
  }

  /** For logs: model name → metadata, shortened. */
  static String describe(List<PreparedModel> models) {
    List<String> out = new ArrayList<>();
    for (PreparedModel m : models) {
      Map<String, Object> md = m.metadata();
      out.add(m.spec().name() + " (" + md.get("kind") + ", " + md.get("parameters") + " parameters)");
    }
    return String.join(", ", out);
  }
}
