package org.ferspark.jobs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.calibrate.Calibrator;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.BatchNormStatistics;
import org.ferspark.model.net.OneDnn;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.TensorDataset;
import org.ferspark.model.train.TrainingLoop;
import org.ferspark.model.train.WeightAveraging;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.dataset.InputError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Averages the weights of two or more model files of one architecture into one model file ({@link WeightAveraging}):
 * the last checkpoints of one run (stochastic weight averaging) or runs fine-tuned from one parent (a model soup).
 * Batch-norm statistics are re-estimated for the averaged weights on training faces, then the temperature is fitted
 * on the validation split, as at the end of training. The result is one network, as fast as each source.
 *
 * <p>Needs a finished preprocessing output (the dataset the models were trained on) and the model files. Run:
 * {@code submit-scripts/average.sh --model run/checkpoints/epoch-043.zip --model run/checkpoints/epoch-044.zip
 * --model run/checkpoints/epoch-045.zip --data out/fer2013 --out run/swa.zip}; compare it with its sources in one
 * {@code evaluate.sh --split validation --model ... --model ...} pass before using it. Spark-free, plain {@code java}.
 * Exit codes: 0 written, 1 unusable models or data or an existing {@code --out} without {@code --overwrite}, 2 bad
 * usage.
 */
@Command(name = "fer-average", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Average the weights of model files of one architecture (SWA, model soup) into one model.")
public final class AverageJob implements Callable<Integer> {
  /** Faces per forward pass. */
  static final int BATCH = 128;
  /** What {@code trainingConfig} names the source files under. */
  public static final String AVERAGE_OF = "averageOf";
  /** What {@code trainingConfig} records the batch-norm re-estimation under. */
  public static final String BATCH_NORM = "batchNormStatistics";

  @Option(names = "--model", required = true, paramLabel = "MODEL.zip",
      description = "A model file to average (give two or more; uniform weights).")
  List<File> models;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "Preprocessed dataset the models were trained on (any Hadoop path).")
  String data;

  @Option(names = "--out", required = true, paramLabel = "OUT.zip", description = "The averaged model file.")
  File out;

  @Option(names = "--bn-split", paramLabel = "NAME", defaultValue = "train",
      description = "Split whose faces re-estimate the batch-norm statistics (default: ${DEFAULT-VALUE}).")
  String bnSplit;

  @Option(names = "--bn-faces", paramLabel = "N", defaultValue = "8192",
      description = "Faces drawn (seeded) for the batch-norm statistics; 0 = the whole split (default: "
          + "${DEFAULT-VALUE}).")
  int bnFaces;

  @Option(names = "--no-calibrate", description = "Do not fit a temperature on the validation split.")
  boolean noCalibrate;

  @Option(names = "--overwrite", description = "Replace an existing --out.")
  boolean overwrite;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  /**
   * What an averaging run did.
   *
   * @param model the file written
   * @param sources the averaged files, in the order given
   * @param batchNorm the re-estimated batch-norm layers and the faces used
   * @param calibration the temperature fitted on validation, or null (not asked, or no validation split)
   */
  public record Report(Path model, List<Path> sources, BatchNormStatistics.Report batchNorm,
      Calibration calibration) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new AverageJob(), args));
  }

  @Override
  public Integer call() throws IOException {
    configOptions.load(Map.of());
    Report r = run(models.stream().map(File::toPath).toList(), data, out.toPath(), bnSplit, bnFaces, !noCalibrate,
        overwrite);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", r.model().toAbsolutePath().toString());
    summary.put("sources", r.sources().size());
    summary.put("batchNormLayers", r.batchNorm().layers().size());
    summary.put("batchNormFaces", r.batchNorm().images());
    if (r.calibration() != null) {
      summary.put("temperature", r.calibration().temperature());
      summary.put("validationNll", r.calibration().nllAfter());
    }
    JobRunner.printSummary("fer-average", summary);
    return JobRunner.OK;
  }

  /**
   * Averages {@code sources} into {@code target}.
   *
   * @throws InputError naming the file and the reason: fewer than two models, an unreadable model, models of
   *     different architectures, classes or inputs, a dataset without the split, an existing {@code target}
   */
  public static Report run(List<Path> sources, String data, Path target, String bnSplit, int bnFaces,
      boolean calibrate, boolean overwrite) throws IOException {
    if (sources.size() < 2) {
      throw new InputError("--model: averaging needs at least two model files, got " + sources.size());
    }
    if (bnFaces < 0) {
      throw new InputError("--bn-faces must be >= 0 (0 = the whole split), got " + bnFaces);
    }
    if (Files.exists(target) && !overwrite) {
      throw new InputError("--out " + target + " exists; pass --overwrite to replace it");
    }
    for (Path s : sources) {
      if (Files.exists(target) && Files.exists(s) && Files.isSameFile(s, target)) {
        throw new InputError("--out " + target + " is one of the --model files");
      }
    }
    OneDnn.enable();
    List<LoadedModel> loaded = new ArrayList<>();
    for (Path s : sources) {
      try {
        loaded.add(ModelFile.load(s, false));
      } catch (ModelFileException e) {
        throw new InputError(e.getMessage());
      }
    }
    ModelMetadata first = loaded.get(0).metadata();
    for (int i = 1; i < loaded.size(); i++) {
      requireCompatible(first, sources.get(0), loaded.get(i).metadata(), sources.get(i));
    }
    ComputationGraph avg;
    try {
      avg = WeightAveraging.average(loaded.stream().map(LoadedModel::graph).toList(),
          sources.stream().map(Path::toString).toList());
    } catch (IllegalArgumentException e) {
      throw new InputError(e.getMessage());
    }
    Configuration hadoop = new Configuration();
    DatasetManifest manifest = DatasetManifest.read(data, hadoop);
    int size = first.inputShape().get(1);
    manifest.requireShape(size);
    manifest.requireSplit(bnSplit);
    TensorDataset faces = TensorDataset.read(data, bnSplit, manifest, hadoop);
    BatchNormStatistics.Report bn = WeightAveraging.reestimateBatchNorm(avg, faces, bnFaces, 42, BATCH, size);

    // the training settings and history are the last source's (for a run's checkpoints given in epoch order: the
    // whole run); each source's own parent moves into its averageOf entry, the average has no single parent
    Map<String, Object> cfg = new LinkedHashMap<>(loaded.get(loaded.size() - 1).metadata().trainingConfig());
    cfg.remove(TrainingLoop.PARENT);
    List<Map<String, Object>> from = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      Map<String, Object> config = loaded.get(i).metadata().trainingConfig();
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("path", sources.get(i).toAbsolutePath().normalize().toString());
      s.put("sha256", ModelFile.sha256(sources.get(i)));
      s.put("createdAt", loaded.get(i).metadata().createdAt());
      s.put("epochs", config.get(TrainingLoop.HISTORY) instanceof List<?> h ? h.size() : null);
      if (config.get(TrainingLoop.PARENT) instanceof Map<?, ?> parent) {
        s.put(TrainingLoop.PARENT, Map.of("path", String.valueOf(parent.get("path")), "sha256",
            String.valueOf(parent.get("sha256"))));
      }
      from.add(s);
    }
    cfg.put(AVERAGE_OF, from);
    Map<String, Object> bnInfo = new LinkedHashMap<>();
    bnInfo.put("split", bnSplit);
    bnInfo.put("faces", bn.images());
    bnInfo.put("layers", bn.layers().size());
    cfg.put(BATCH_NORM, bnInfo);
    ModelMetadata meta = ModelMetadata.of(first.classNames(), first.architecture(), cfg, manifest.fingerprint())
        .withInputShape(first.inputShape());
    Calibration c = null;
    if (calibrate && manifest.splitTotals().getOrDefault("validation", 0L) > 0) {
      // fitted on the network in memory, as CalibrateJob fits it on a file: one write of the averaged model
      TensorDataset validation = CalibrateJob.onModelClasses(TensorDataset.read(data, "validation", manifest, hadoop),
          manifest.labels(), first.classNames(), target);
      c = Calibrator.fit(avg, validation, CalibrateJob.BATCH, size, "validation", manifest.fingerprint());
      meta = meta.withCalibration(c);
    }
    try {
      ModelFile.save(avg, meta, target, false);
    } catch (ModelFileException e) {
      throw new InputError(e.getMessage());
    }
    return new Report(target, List.copyOf(sources), bn, c);
  }

  private static void requireCompatible(ModelMetadata a, Path pa, ModelMetadata b, Path pb) {
    if (!a.architecture().equals(b.architecture())) {
      throw new InputError(pb + " is a " + b.architecture() + ", " + pa + " a " + a.architecture()
          + "; only models of one architecture can be averaged");
    }
    if (!a.classNames().equals(b.classNames())) {
      throw new InputError(pb + " predicts " + b.classNames() + ", " + pa + " " + a.classNames()
          + "; only models with the same classes in the same order can be averaged");
    }
    if (!a.inputShape().equals(b.inputShape()) || !a.normalisation().equals(b.normalisation())) {
      throw new InputError(pb + " takes " + b.inputShape() + " (" + b.normalisation() + "), " + pa + " "
          + a.inputShape() + " (" + a.normalisation() + ")");
    }
  }
}
