package org.ferspark.evaluation.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.evaluation.images.FaceLocator;
import org.ferspark.evaluation.images.FaceStatus;
import org.ferspark.evaluation.images.InputStats;
import org.ferspark.evaluation.images.InputSummary;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.predict.BatchScorer;
import org.ferspark.evaluation.predict.FaceViews;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.predict.PreparedModel;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputPlanner;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.preprocessing.spark.ImageBytes;
import org.ferspark.preprocessing.spark.InputListing;
import org.ferspark.realtime.detect.DetectorSettings;
import org.ferspark.realtime.detect.FaceDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a folder of labelled photos ({@code DIR/<label>/*}, any Hadoop path) with one or more models in one Spark
 * pass, like {@link EvaluationPipeline} does a split of tensors: the label folders are planned on the driver with
 * the preprocessing job's folder parsing (label spellings, hidden names, stray files), listed on the executors
 * ({@link InputListing}), and each photo is read, decoded, its face found and normalised on the executors
 * ({@link FaceLocator}: the detector of {@code fer.realtime.detector.*}, built per partition from its
 * {@link DetectorSettings} and the broadcast bytes of its files, never shipped), then scored by every model. Every
 * photo gets one {@link FaceStatus}; the driver checks that the statuses add up to the photos listed. Only mergeable counts return to the driver (plus, if asked, the per-face
 * predictions the executors write).
 *
 * <p>The evaluation's classes are the seven FER2013 classes (eight when a {@code contempt} folder exists): a class
 * with no photos is reported as absent; photos of a class some model lacks are {@code unknown-label}.
 */
public final class ImageEvaluationPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(ImageEvaluationPipeline.class);

  private ImageEvaluationPipeline() {
  }

  /** The checked inputs of a run: the planned folder, the classes, the models (loaded once on the driver). */
  public record Inputs(String dir, InputPlan.Folder plan, List<String> labels, List<PreparedModel> models) {
  }

  /**
   * Checks everything before scoring: the folder has label folders (and no split level), the models load and share
   * at least two of its classes, the detector loads.
   *
   * @throws InputError naming the path and the problem
   */
  public static Inputs prepare(String dir, List<ModelSpec> specs, ImageSettings settings, Configuration hadoop) {
    if (specs.isEmpty()) {
      throw new InputError("no model to evaluate");
    }
    InputPlan.Folder plan;
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
      org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(hadoop);
      if (fs.exists(root) && fs.getFileStatus(root).isFile()) {
        throw new InputError("--images needs a folder of class folders, but " + dir + " is a file");
      }
      plan = InputPlanner.labelFolders(hadoop, dir, 8);
    } catch (IOException e) {
      throw new InputError("cannot list " + dir + ": " + e.getMessage());
    }
    List<String> splits = plan.dirs().stream().map(InputPlan.LabelDir::split).filter(s -> s != null).distinct()
        .toList();
    if (!splits.isEmpty()) {
      throw new InputError(dir + " is split into " + splits + " folders; --images takes one folder per class: pass "
          + "one split, e.g. " + dir.replaceAll("/+$", "") + "/" + splits.get(0));
    }
    List<InputPlan.LabelDir> labelled = plan.dirs().stream().filter(d -> d.label() >= 0).toList();
    if (labelled.isEmpty()) {
      throw new InputError(dir + " has no class folders: expected " + dir.replaceAll("/+$", "")
          + "/<label>/*.jpg with label folders named " + Emotion.labelNames(7) + " (or anger, happiness, ...)");
    }
    boolean contempt = labelled.stream().anyMatch(d -> d.label() == Emotion.CONTEMPT.index());
    List<String> labels = Emotion.labelNames(contempt ? 8 : 7);
    List<PreparedModel> models = new ArrayList<>();
    for (ModelSpec spec : ModelSpec.uniqueNames(specs)) {
      models.add(PreparedModel.prepare(spec, labels, hadoop));
    }
    EvaluationPipeline.classesSomeModelLacks(models, labels);
    if (settings.detect()) {
      settings.detector().create().close();
    }
    return new Inputs(dir, plan, labels, models);
  }

  /** Scores every photo; see the class comment. */
  public static EvaluationResult run(SparkSession spark, Inputs in, EvaluateSettings settings, ImageSettings images,
      boolean tta, String predictionsTarget, boolean replace) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ScoringTask.Models models = ScoringTask.Models.broadcast(spark, in.models());
    // the detector's files travel as bytes (none for BlazeFace), so a cascade or network on the driver's disk works
    // anywhere
    Broadcast<DetectorSettings.FileBytes> detectorFiles = jsc.broadcast(images.detect()
        ? images.detector().readFiles() : new DetectorSettings.FileBytes(null, null, null));
    Dataset<Row> listed = InputListing.of(spark, in.plan(), hadoop).persist(StorageLevel.DISK_ONLY());
    try {
      long inputs = listed.count();
      if (inputs == 0) {
        throw new InputError(in.dir() + " has class folders but no files in them");
      }
      int partitions = (int) Math.max(settings.partitions() > 0 ? settings.partitions() : jsc.defaultParallelism(),
          Math.min(100_000, (inputs + images.perPartition() - 1) / images.perPartition()));
      JavaRDD<Row> rows = listed.javaRDD().repartition(partitions);
      List<Integer> lacking = EvaluationPipeline.classesSomeModelLacks(in.models(), in.labels());
      FaceViews.Tta mode = tta ? settings.ttaViews() : null;
      PhotoTask task = new PhotoTask(models, in.labels(), mode, settings.batch(), images.faceSide(),
          settings.samplesPerCell(), settings.failuresPerClass(), settings.minConfidence(), predictionsTarget != null,
          images,
          new ImageBytes(hadoop, images.maxFileBytes()), detectorFiles, lacking);
      LOG.info("fer-evaluate: {} photos of {} in {} partitions with {}", inputs, in.dir(), partitions,
          EvaluationPipeline.describe(in.models()));
      ScoringTask.Scored total = ScoringTask.run(spark, rows, task, predictionsTarget, replace);
      InputSummary summary = total.inputs.summary(images.describe());
      long scored = total.total.plain(0).examples();
      if (summary.total() != inputs || summary.scored() != scored) {
        throw new IllegalStateException("the statuses count " + summary.total() + " photos (" + summary.scored()
            + " ok) but " + inputs + " were listed and " + scored + " scored");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      LOG.info("fer-evaluate: {} photos, statuses {}, {} s", inputs, summary.byStatus(),
          String.format("%.1f", seconds));
      return new EvaluationResult(in.dir(), EvaluationResult.IMAGES, null,
          EvaluationPipeline.evaluations(in.models(), in.labels(), total.total),
          total.total.pairs().tests(EvaluationPipeline.names(in.models())), seconds,
          mode == null ? null : mode.description(), summary);
    } finally {
      listed.unpersist(false);
      models.destroy();
      detectorFiles.destroy();
    }
  }

  /** Executor side: one partition of listed photos, each read, located, normalised and scored. */
  static final class PhotoTask extends ScoringTask {
    private static final long serialVersionUID = 1L;
    private final ImageSettings images;
    private final ImageBytes files;
    private final Broadcast<DetectorSettings.FileBytes> detectorFiles;
    private final List<Integer> lacking;

    PhotoTask(Models models, List<String> labels, FaceViews.Tta tta, int batch, int side, int samplesPerCell,
        int failuresPerClass, double minConfidence, boolean predictions, ImageSettings images, ImageBytes files,
        Broadcast<DetectorSettings.FileBytes> detectorFiles, List<Integer> lacking) {
      super(models, labels, tta, batch, side, samplesPerCell, failuresPerClass, minConfidence, predictions);
      this.images = images;
      this.files = files;
      this.detectorFiles = detectorFiles;
      this.lacking = List.copyOf(lacking);
    }

    @Override
    Feed open() {
      // the detector is built here, on the executor, once per partition: OpenCV objects cannot be serialised
      FaceDetector detector = images.detect() ? images.detector().create(detectorFiles.value()) : null;
      FaceLocator locator = new FaceLocator(images, detector);
      InputStats stats = new InputStats(images.examplesPerStatus());
      return new Feed() {
        @Override
        public void add(Row row, BatchScorer scorer) {
          InputRecord r = InputListing.record(row);
          if (r.isRejected()) {
            boolean label = "unknown-label".equals(r.rejectReason()) || "unknown-split".equals(r.rejectReason());
            stats.count(label ? FaceStatus.UNKNOWN_LABEL : FaceStatus.UNREADABLE, label ? null : r.rejectReason(),
                r.id(), r.source(), r.rejectDetail());
            return;
          }
          if (lacking.contains(r.label())) {
            stats.count(FaceStatus.UNKNOWN_LABEL, null, r.id(), r.source(), "class '" + labels.get(r.label())
                + "' is not among the classes every model predicts");
            return;
          }
          FaceLocator.Located located;
          try {
            located = locator.locate(files.read(r.path()));
          } catch (RejectException e) {
            stats.count(FaceStatus.UNREADABLE, e.reason(), r.id(), r.source(), e.detail());
            return;
          }
          stats.count(located, r.id(), r.source());
          if (located.status() == FaceStatus.OK) {
            scorer.add(r.id(), r.source(), located.box(), r.label(), located.pixels());
          }
        }

        @Override
        public InputStats stats() {
          return stats;
        }

        @Override
        public void close() {
          if (detector != null) {
            detector.close();
          }
        }
      };
    }
  }
}
