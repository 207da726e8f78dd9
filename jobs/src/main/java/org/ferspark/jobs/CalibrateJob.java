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
import org.ferspark.model.calibrate.Calibrator;
import org.ferspark.model.calibrate.TemperatureScaling;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.net.OneDnn;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.TensorDataset;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.dataset.InputError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Calibrates a model file: fits its temperature (temperature scaling, {@link TemperatureScaling}) on one split of a
 * preprocessed dataset, by default the validation split, and writes the model with the temperature in its metadata,
 * where evaluate, predict and realtime apply it. The weights are copied byte for byte; a model that already has a
 * temperature gets a new one fitted on its network's own probabilities (it is replaced, never compounded). Faces of
 * classes the model does not have are left out and counted. Spark-free: one inference pass in this JVM, with plain
 * {@code java}; {@code --data} may be any Hadoop path.
 *
 * <p>Needs a finished preprocessing output ({@code manifest.json} written) and a model file. Run:
 * {@code submit-scripts/calibrate.sh --model out/model/model.zip --data out/sample --out out/model/calibrated.zip}.
 * Exit codes: 0 written, 1 unusable model or data, or an existing {@code --out} without {@code --overwrite}, 2 bad
 * usage.
 */
@Command(name = "fer-calibrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Fit a model's temperature on a validation split and store it in the model file.")
public final class CalibrateJob implements Callable<Integer> {
  /** Faces per forward pass. */
  public static final int BATCH = 64;
  /** The splits a temperature may be fitted on. */
  static final List<String> SPLITS = List.of("validation", "train", "test");

  @Option(names = "--model", required = true, paramLabel = "MODEL.zip", description = "Model file to calibrate.")
  File model;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "Preprocessed dataset (the preprocessing job's --output; any Hadoop path).")
  String data;

  @Option(names = "--out", paramLabel = "OUT.zip",
      description = "Write the calibrated model here (default: replace --model, atomically).")
  File out;

  @Option(names = "--split", paramLabel = "NAME", defaultValue = "validation",
      description = "Split to fit on: validation (default) | train | test (test only to study calibration; a "
          + "temperature fitted on the test split makes its test scores optimistic).")
  String split;

  @Option(names = "--overwrite", description = "Replace an existing --out other than --model.")
  boolean overwrite;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @Spec
  CommandLine.Model.CommandSpec spec;

  /**
   * What a calibration run did.
   *
   * @param model the calibrated model file written
   * @param calibration the fitted temperature with NLL and ECE before and after
   * @param leftOut faces of the split whose class the model does not have
   * @param atBound the temperature is an edge of the fit's bracket (the model's logits say little about its labels)
   */
  public record Report(Path model, Calibration calibration, long leftOut, boolean atBound) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new CalibrateJob(), args));
  }

  @Override
  public Integer call() throws IOException {
    if (!SPLITS.contains(split)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--split must be one of " + SPLITS + ", got '"
          + split + "'");
    }
    configOptions.load(Map.of());
    Report r = run(model.toPath(), data, split, out == null ? null : out.toPath(), overwrite);
    Calibration c = r.calibration();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", r.model().toAbsolutePath().toString());
    summary.put("split", c.split());
    summary.put("examples", c.examples());
    summary.put("leftOut", r.leftOut());
    summary.put("temperature", c.temperature());
    summary.put("nllBefore", c.nllBefore());
    summary.put("nllAfter", c.nllAfter());
    summary.put("eceBefore", c.eceBefore());
    summary.put("eceAfter", c.eceAfter());
    summary.put("atBound", r.atBound());
    JobRunner.printSummary("fer-calibrate", summary);
    return JobRunner.OK;
  }

  /**
   * Fits the temperature of {@code model} on {@code split} of {@code data} and writes the calibrated file.
   *
   * @param target where to write; null = replace {@code model}
   * @throws InputError for an unusable model or dataset, a missing split, no shared classes, or an existing
   *     {@code target} without {@code overwrite}
   */
  public static Report run(Path model, String data, String split, Path target, boolean overwrite)
      throws IOException {
    Path written = target == null ? model : target;
    if (!SPLITS.contains(split)) {
      throw new InputError("--split must be one of " + SPLITS + ", got '" + split + "'");
    }
    if (target != null && Files.exists(target) && !overwrite && !sameFile(model, target)) {
      throw new InputError("--out " + target + " exists; pass --overwrite to replace it");
    }
    OneDnn.enable();
    LoadedModel loaded;
    try {
      loaded = ModelFile.load(model, false);
    } catch (ModelFileException e) {
      throw new InputError(e.getMessage());
    }
    Configuration hadoop = new Configuration();
    DatasetManifest manifest = DatasetManifest.read(data, hadoop);
    List<Integer> shape = loaded.metadata().inputShape();
    if (shape.get(0) != 1 || !shape.get(1).equals(shape.get(2))) {
      throw new InputError(model + ": the model takes input " + shape + "; the tensors are one square grayscale "
          + "channel");
    }
    manifest.requireShape(shape.get(1));
    manifest.requireSplit(split);
    TensorDataset all = TensorDataset.read(data, split, manifest, hadoop);
    List<String> classes = loaded.metadata().classNames();
    TensorDataset faces = onModelClasses(all, manifest.labels(), classes, model);
    Calibration c = Calibrator.fit(loaded.graph(), faces, BATCH, shape.get(1), split, manifest.fingerprint());
    try {
      ModelFile.replaceMetadata(model, loaded.metadata().withCalibration(c), written);
    } catch (ModelFileException e) {
      throw new InputError(e.getMessage());
    }
    boolean atBound = c.temperature() == TemperatureScaling.MIN_TEMPERATURE
        || c.temperature() == TemperatureScaling.MAX_TEMPERATURE || c.nllAfter() == c.nllBefore();
    return new Report(written, c, all.size() - faces.size(), atBound);
  }

  /**
   * The faces of {@code data} whose class the model has, labelled by the model's output index; at least 2 shared
   * classes are needed.
   */
  static TensorDataset onModelClasses(TensorDataset data, List<String> datasetLabels, List<String> modelLabels,
      Path model) {
    int[] map = datasetLabels.stream().mapToInt(modelLabels::indexOf).toArray();
    if (java.util.Arrays.stream(map).filter(i -> i >= 0).count() < 2) {
      throw new InputError(model + " predicts " + modelLabels + " but the dataset's classes are " + datasetLabels
          + "; a temperature needs at least 2 shared classes");
    }
    List<byte[]> pixels = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      int y = map[data.label(i)];
      if (y >= 0) {
        pixels.add(data.pixels(i));
        labels.add(y);
      }
    }
    if (pixels.isEmpty()) {
      throw new InputError("no face of the split has a class of " + model + " " + modelLabels);
    }
    return new TensorDataset(pixels.toArray(new byte[0][]), labels.stream().mapToInt(Integer::intValue).toArray(),
        modelLabels.size());
  }

  private static boolean sameFile(Path a, Path b) throws IOException {
    return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
  }
}
