package org.ferspark.jobs;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ferspark.jobs.train.SparkEpochTrainer;
import org.ferspark.model.net.OneDnn;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.EpochTrainer;
import org.ferspark.model.train.FineTune;
import org.ferspark.model.train.HadoopMirror;
import org.ferspark.model.train.LabelSet;
import org.ferspark.model.train.LocalEpochTrainer;
import org.ferspark.model.train.OutputDir;
import org.ferspark.model.train.TensorDataset;
import org.ferspark.model.train.TrainSettings;
import org.ferspark.model.train.TrainingLoop;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.OutputClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Training job: preprocessed Parquet tensors to {@code model.zip}, {@code history.csv}/{@code .json} and
 * {@code checkpoints/} in {@code --out}, on Spark (parameter averaging, the default) or in this JVM
 * ({@code --no-spark}); both share {@link TrainingLoop}, which at the end fits {@code model.zip}'s temperature on the
 * validation split ({@code fer.train.calibrate}).
 *
 * <p>Needs a finished preprocessing output ({@code manifest.json} written). Run:
 * {@code submit-scripts/train.sh --data out/sample --out out/model --arch vgg-bn --epochs 5}.
 */
@Command(name = "fer-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a facial-expression CNN on preprocessed tensors (DL4J, Spark parameter averaging).")
public final class TrainJob implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "Preprocessed dataset (the preprocessing job's --output; any Hadoop path).")
  String data;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory: local, or any Hadoop path (staged locally, copied after every epoch).")
  String out;

  @Option(names = "--arch", paramLabel = "NAME", description = "Architecture: paper-cnn, vgg-bn.")
  String arch;

  @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs.")
  Integer epochs;

  @Option(names = "--batch", paramLabel = "N", description = "Minibatch size.")
  Integer batch;

  @Option(names = "--balance", paramLabel = "MODE", description = "none | weights | oversample | focal.")
  String balance;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
  boolean resume;

  @Option(names = "--overwrite", description = "Replace a finished run in --out.")
  boolean overwrite;

  @Option(names = "--no-spark", description = "Train in this JVM without Spark (debugging; same loop).")
  boolean noSpark;

  @Option(names = "--init-from", paramLabel = "MODEL.zip",
      description = "Fine-tune: start from this model's weights (any Hadoop path; its architecture; output layer "
          + "rebuilt for the dataset's classes, the parent's rows copied for classes of the same name).")
  String initFrom;

  private Path initFromLocal;

  @Option(names = "--freeze-until", paramLabel = "LAYER|N",
      description = "With --init-from: freeze LAYER (or the first N pooling blocks) and every layer before it.")
  String freezeUntil;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  /** What a training run produced. */
  public record Report(String mode, TrainingLoop.Result result) {}

  /**
   * How a run starts: the merged configuration (for {@code fer.train.labels.*}; {@code null} = the dataset's
   * classes) and, to fine-tune, the parent model and freeze point ({@code null} = fresh weights).
   */
  public record Start(Config config, Path initFrom, String freezeUntil) {
    public static final Start FRESH = new Start(null, null, null);
  }

  /** A run checked before anything is written: the dataset's manifest, the run's classes, the parent. */
  record Prepared(DatasetManifest dataset, LabelSet labels, FineTune fineTune) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new TrainJob(), args));
  }

  Config config() {
    Map<String, Object> flags = new LinkedHashMap<>();
    put(flags, "fer.train.arch", arch);
    put(flags, "fer.train.epochs", epochs);
    put(flags, "fer.train.batch", batch);
    put(flags, "fer.train.balance", balance);
    if (initFrom != null) {
      String parentArch = FineTune.parentMetadata(initFromLocal()).architecture();
      if (arch != null && !arch.trim().equals(parentArch)) {
        throw new FerConfig.ConfigError("--arch " + arch + " differs from --init-from " + initFrom + ", a "
            + parentArch + " network; a fine-tune keeps the parent's architecture");
      }
      flags.put("fer.train.arch", parentArch);
    } else if (freezeUntil != null) {
      throw new FerConfig.ConfigError("--freeze-until applies to --init-from only");
    }
    return configOptions.load(flags);
  }

  TrainSettings settings() {
    return TrainSettings.from(config());
  }

  @Override
  public Integer call() throws Exception {
    Config config = config();
    TrainSettings settings = TrainSettings.from(config);
    if (resume && overwrite) {
      throw new FerConfig.ConfigError("--resume and --overwrite exclude each other");
    }
    Start start = new Start(config, initFrom == null ? null : initFromLocal(), freezeUntil);
    Report report;
    if (noSpark) {
      report = run(null, settings, data, out, resume, overwrite, start);
    } else {
      prepare(settings, data, out, resume, overwrite, start);
      SparkSession spark = SparkSession.builder().appName("fer-train").getOrCreate();
      try {
        report = run(spark, settings, data, out, resume, overwrite, start);
      } finally {
        spark.stop();
      }
    }
    TrainingLoop.Result r = report.result();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("mode", report.mode());
    summary.put("arch", settings.arch());
    summary.put("epochsRun", r.epochsRun());
    summary.put("lastEpoch", r.lastEpoch());
    summary.put("resumedFrom", r.resumedFrom());
    summary.put("bestEpoch", r.bestEpoch());
    summary.put("bestValLoss", round(r.bestValLoss(), 4));
    summary.put("bestValAcc", round(r.bestValAccuracy(), 4));
    summary.put("stoppedEarly", r.stoppedEarly());
    summary.put("seconds", round(r.seconds(), 1));
    summary.put("imagesPerSecond", round(r.imagesPerSecond(), 1));
    summary.put("temperature", r.temperature());
    summary.put("model", HadoopMirror.isHadoop(out) ? new org.apache.hadoop.fs.Path(out, "model.zip").toString()
        : r.model().toAbsolutePath().toString());
    if (initFrom != null) {
      summary.put("parent", HadoopMirror.isHadoop(initFrom) ? initFrom : Path.of(initFrom).toAbsolutePath()
          .toString());
    }
    JobRunner.printSummary("fer-train", summary);
    return JobRunner.OK;
  }

  /**
   * Trains. {@code spark == null} trains in this JVM; otherwise on the session's executors (the session must use
   * Kryo with {@code org.nd4j.kryo.Nd4jRegistrator} or Java serialisation).
   */
  public static Report run(SparkSession spark, TrainSettings settings, String data, Path out, boolean resume,
      boolean overwrite) throws IOException {
    return run(spark, settings, data, out.toString(), resume, overwrite, Start.FRESH);
  }

  /** As above, from {@code start}: the run's classes ({@code fer.train.labels.*}) and the model to fine-tune. */
  public static Report run(SparkSession spark, TrainSettings settings, String data, Path out, boolean resume,
      boolean overwrite, Start start) throws IOException {
    return run(spark, settings, data, out.toString(), resume, overwrite, start);
  }

  /**
   * As above, into {@code out}: a local directory or a Hadoop path ({@link HadoopMirror}: the run is staged in a
   * local temporary directory, deleted at the end, and copied up after every epoch).
   */
  public static Report run(SparkSession spark, TrainSettings settings, String data, String out, boolean resume,
      boolean overwrite, Start start) throws IOException {
    Prepared prepared = prepare(settings, data, out, resume, overwrite, start);
    LabelSet labels = prepared.labels();
    DatasetManifest manifest = labels.apply(prepared.dataset());
    OneDnn.enable();
    LOG.info("fer-train: {}", OneDnn.describe());
    if (prepared.fineTune() != null) {
      LOG.info("fer-train: fine-tuning from {} ({}, classes {}), frozen up to {}; this run's classes {}",
          start.initFrom(), prepared.fineTune().parentMetadata().architecture(),
          prepared.fineTune().parentMetadata().classNames(), prepared.fineTune().freezeUntil(), manifest.labels());
    }
    Configuration hadoop = spark == null ? new Configuration() : spark.sparkContext().hadoopConfiguration();
    TensorDataset validation = labels.apply(TensorDataset.read(data, "validation", prepared.dataset(), hadoop));
    EpochTrainer trainer;
    TensorDataset trainForEval = null;
    if (spark == null) {
      TensorDataset train = labels.apply(TensorDataset.read(data, "train", prepared.dataset(), hadoop));
      trainForEval = train;
      trainer = new LocalEpochTrainer(train, settings);
    } else {
      if (settings.trainEvalSamples() != 0) {
        trainForEval = labels.apply(TensorDataset.read(data, "train", prepared.dataset(), hadoop));
      }
      trainer = new SparkEpochTrainer(spark, data, settings, manifest.classes(), manifest.trainOriginalByClass(),
          labels.isIdentity() ? null : labels.map());
    }
    LOG.info("fer-train: {} on {} ({} classes, train {} / validation {} images) -> {}", settings.arch(), data,
        manifest.classes(), manifest.splitTotals().get("train"), validation.size(), out);
    boolean remote = HadoopMirror.isHadoop(out);
    Path local = remote ? Files.createTempDirectory("fer-train-staging-") : localPath(out);
    org.apache.hadoop.fs.Path claimed = remote ? new org.apache.hadoop.fs.Path(out)
        : new org.apache.hadoop.fs.Path(local.toAbsolutePath().toUri());
    try (OutputClaim claim = OutputClaim.acquire(claimed, remote ? hadoop : new Configuration(), "fer-train",
        resume || overwrite)) {
      OutputDir dir = new OutputDir(local, remote ? new HadoopMirror(out, local, hadoop) : null);
      TrainingLoop loop = new TrainingLoop(settings, manifest, validation, trainForEval, dir, prepared.fineTune());
      TrainingLoop.Result result = loop.run(trainer, resume, overwrite);
      return new Report(trainer.mode(), result); // after the run: the mode names the replicas it used
    } finally {
      if (remote) {
        deleteTree(local);
      }
      if (trainer instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing {}: {}", trainer.mode(), e.toString());
        }
      }
    }
  }

  /**
   * Checks data, output, the run's classes and the parent model before anything is written or Spark starts; every
   * problem with the classes or the parent is a {@link FerConfig.ConfigError} (exit code 2).
   */
  static Prepared prepare(TrainSettings settings, String data, String out, boolean resume, boolean overwrite,
      Start start) throws IOException {
    DatasetManifest dataset = checkInputs(settings, data, out, resume, overwrite);
    List<String> parentLabels = start.initFrom() == null ? List.of()
        : FineTune.parentMetadata(start.initFrom()).classNames();
    LabelSet labels = start.config() == null ? LabelSet.identity(dataset.labels())
        : LabelSet.from(start.config(), dataset.labels(), parentLabels);
    FineTune fineTune = start.initFrom() == null ? null
        : FineTune.plan(start.initFrom(), start.freezeUntil(), settings.imageSize());
    return new Prepared(dataset, labels, fineTune);
  }

  /** Checks data and output before anything starts; returns the dataset's manifest. */
  static DatasetManifest checkInputs(TrainSettings settings, String data, String out, boolean resume,
      boolean overwrite) throws IOException {
    DatasetManifest manifest = DatasetManifest.read(data, new Configuration());
    manifest.requireShape(settings.imageSize());
    manifest.requireSplit("train");
    manifest.requireSplit("validation");
    if (HadoopMirror.isHadoop(out)) {
      HadoopMirror.checkTarget(out, resume, overwrite, new Configuration());
      return manifest;
    }
    Path dir = localPath(out);
    if (!resume && !overwrite && (Files.exists(dir.resolve("model.zip"))
        || Files.isDirectory(dir.resolve("checkpoints")))) {
      throw new InputError("--out " + out + " already holds a trained model or checkpoints; pass --resume to "
          + "continue that run or --overwrite to replace it");
    }
    return manifest;
  }

  /** {@code --init-from} as a local file: a Hadoop path is copied to a temporary file once. */
  private Path initFromLocal() {
    if (initFromLocal == null) {
      initFromLocal = localCopy(initFrom);
    }
    return initFromLocal;
  }

  static Path localCopy(String location) {
    if (!HadoopMirror.isHadoop(location)) {
      return localPath(location);
    }
    try {
      org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
      Path local = Files.createTempFile("fer-init-from-", "-" + remote.getName());
      local.toFile().deleteOnExit();
      remote.getFileSystem(new Configuration()).copyToLocalFile(false, remote,
          new org.apache.hadoop.fs.Path(local.toUri()), true);
      return local;
    } catch (IOException e) {
      throw new InputError("--init-from " + location + ": cannot read it: " + e.getMessage());
    }
  }

  /** A plain path or a {@code file:} URI as a local path. */
  static Path localPath(String location) {
    return location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the staging directory {}: {}", dir, e.toString());
    }
  }

  private static void put(Map<String, Object> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value);
    }
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Double.isFinite(v) ? Math.round(v * f) / f : Double.NaN;
  }
}
