package org.ferspark.jobs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ferspark.jobs.train.SparkEpochTrainer;
import org.ferspark.model.net.OneDnn;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.EpochTrainer;
import org.ferspark.model.train.LocalEpochTrainer;
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
 * ({@code --no-spark}); both share {@link TrainingLoop}.
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

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (local).")
  File out;

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

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  /** What a training run produced. */
  public record Report(String mode, TrainingLoop.Result result) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new TrainJob(), args));
  }

  TrainSettings settings() {
    Map<String, Object> flags = new LinkedHashMap<>();
    put(flags, "fer.train.arch", arch);
    put(flags, "fer.train.epochs", epochs);
    put(flags, "fer.train.batch", batch);
    put(flags, "fer.train.balance", balance);
    return TrainSettings.from(configOptions.load(flags));
  }

  @Override
  public Integer call() throws Exception {
    TrainSettings settings = settings();
    if (resume && overwrite) {
      throw new FerConfig.ConfigError("--resume and --overwrite exclude each other");
    }
    Report report;
    if (noSpark) {
      report = run(null, settings, data, out.toPath(), resume, overwrite);
    } else {
      checkInputs(settings, data, out.toPath(), resume, overwrite);
      SparkSession spark = SparkSession.builder().appName("fer-train").getOrCreate();
      try {
        report = run(spark, settings, data, out.toPath(), resume, overwrite);
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
    summary.put("model", r.model().toAbsolutePath().toString());
    JobRunner.printSummary("fer-train", summary);
    return JobRunner.OK;
  }

  /**
   * Trains. {@code spark == null} trains in this JVM; otherwise on the session's executors (the session must use
   * Kryo with {@code org.nd4j.kryo.Nd4jRegistrator} or Java serialisation).
   */
  public static Report run(SparkSession spark, TrainSettings settings, String data, Path out, boolean resume,
      boolean overwrite) throws IOException {
    DatasetManifest manifest = checkInputs(settings, data, out, resume, overwrite);
    OneDnn.enable();
    LOG.info("fer-train: {}", OneDnn.describe());
    Configuration hadoop = spark == null ? new Configuration() : spark.sparkContext().hadoopConfiguration();
    TensorDataset validation = TensorDataset.read(data, "validation", manifest, hadoop);
    EpochTrainer trainer;
    TensorDataset trainForEval = null;
    if (spark == null) {
      TensorDataset train = TensorDataset.read(data, "train", manifest, hadoop);
      trainForEval = train;
      trainer = new LocalEpochTrainer(train, settings);
    } else {
      if (settings.trainEvalSamples() != 0) {
        trainForEval = TensorDataset.read(data, "train", manifest, hadoop);
      }
      trainer = new SparkEpochTrainer(spark, data, settings, manifest.classes(), manifest.trainOriginalByClass());
    }
    LOG.info("fer-train: {} on {} ({} classes, train {} / validation {} images) -> {}", settings.arch(), data,
        manifest.classes(), manifest.splitTotals().get("train"), validation.size(), out);
    try (OutputClaim claim = OutputClaim.acquire(new org.apache.hadoop.fs.Path(out.toAbsolutePath().toUri()),
        new Configuration(), "fer-train", resume || overwrite)) {
      TrainingLoop loop = new TrainingLoop(settings, manifest, validation, trainForEval, out);
      return new Report(trainer.mode(), loop.run(trainer, resume, overwrite));
    } finally {
      if (trainer instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing {}: {}", trainer.mode(), e.toString());
        }
      }
    }
  }

  /** Checks data and output before anything starts; returns the dataset's manifest. */
  static DatasetManifest checkInputs(TrainSettings settings, String data, Path out, boolean resume,
      boolean overwrite) {
    if (out.toString().matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      throw new InputError("--out must be a local directory, got " + out);
    }
    DatasetManifest manifest = DatasetManifest.read(data, new Configuration());
    manifest.requireShape(settings.imageSize());
    manifest.requireSplit("train");
    manifest.requireSplit("validation");
    if (!resume && !overwrite && (Files.exists(out.resolve("model.zip"))
        || Files.isDirectory(out.resolve("checkpoints")))) {
      throw new InputError("--out " + out + " already holds a trained model or checkpoints; pass --resume to "
          + "continue that run or --overwrite to replace it");
    }
    return manifest;
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
