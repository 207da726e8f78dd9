package org.ferspark.jobs;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ferspark.jobs.predict.ImageFiles;
import org.ferspark.jobs.predict.JsonLinesWriter;
import org.ferspark.jobs.predict.PredictReport;
import org.ferspark.jobs.predict.PredictSettings;
import org.ferspark.jobs.predict.PredictionWriter;
import org.ferspark.jobs.predict.Predictor;
import org.ferspark.jobs.predict.TableWriter;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.FaceDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints the expression label and class probabilities of face images (the paper's Figures 12–14): an aligned table,
 * or ({@code --json}) one JSON line per image or face. Each image is a face crop, normalised exactly as in training
 * by {@link FaceClassifier}; with {@code --detect-faces} the realtime app's detector finds the faces first and each
 * gets a line with its box. The probabilities are calibrated with the model file's temperature (if it has one); with
 * {@code --min-confidence P} a face whose top probability is below P is labelled {@code uncertain}. Spark-free: runs
 * with plain {@code java}.
 *
 * <p>Needs a model file ({@code --model}, default {@code fer.realtime.model} = {@code models/fer2013-default.zip}
 * under the repository root) and the shaded jar ({@code mvn -DskipTests package}). Run:
 * {@code submit-scripts/predict.sh --model out/model/model.zip --json data/sample/test/happy}. Exit codes: 0 every
 * input classified, 1 an input failed (named on stderr; the others are still printed) or the model is unusable, 2 bad
 * usage.
 */
@Command(name = "fer-predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Print the facial-expression label and class probabilities of images.")
public final class PredictJob implements Callable<Integer> {
  /** Faces per forward pass. */
  public static final int BATCH = 64;

  @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR",
      description = "Image files, or directories searched recursively (in path order) for jpg, jpeg, png, bmp, "
          + "webp, tif and tiff files.")
  List<Path> paths;

  @Option(names = "--model", paramLabel = "FILE",
      description = "Model file (default: fer.realtime.model, models/fer2013-default.zip).")
  File model;

  @Option(names = "--json", description = "One JSON object per line instead of a table.")
  boolean json;

  @Option(names = "--detect-faces", description = "Find faces first (the realtime detector); one line per face.")
  boolean detectFaces;

  @Option(names = "--top", paramLabel = "K", description = "Print only the K most probable classes.")
  Integer top;

  @Option(names = "--min-face", paramLabel = "PX", description = "Smallest face side to detect, in pixels.")
  Integer minFace;

  @Option(names = "--detector", paramLabel = "KIND",
      description = "Face detector for --detect-faces: blazeface, haar or dnn (fer.realtime.detector.kind).")
  String detector;

  @Option(names = "--detector-model", paramLabel = "FILE",
      description = "Detect with the OpenCV DNN (SSD) face detector in FILE.")
  File detectorModel;

  @Option(names = "--min-confidence", paramLabel = "P",
      description = "Label a face 'uncertain' when its top (calibrated) probability is below P "
          + "(fer.min-confidence, default 0 = never).")
  Double minConfidence;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new PredictJob(), args));
  }

  PredictSettings settings() {
    Map<String, Object> flags = new LinkedHashMap<>();
    // paths given on the command line are relative to the working directory; configured ones to the checkout
    if (model != null) {
      flags.put("fer.realtime.model", model.getAbsolutePath());
    }
    if (minFace != null) {
      flags.put("fer.realtime.detector.min-face", minFace);
    }
    if (detector != null) {
      flags.put("fer.realtime.detector.kind", detector);
    }
    if (detectorModel != null) {
      flags.put("fer.realtime.detector.kind", "dnn");
      flags.put("fer.realtime.detector.model", detectorModel.getAbsolutePath());
    }
    if (minConfidence != null) {
      flags.put(MinConfidence.KEY, MinConfidence.check(minConfidence, "--min-confidence"));
    }
    return PredictSettings.from(configOptions.load(flags), RealtimeSettings.root());
  }

  @Override
  public Integer call() throws Exception {
    if (top != null && top < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
    }
    if (!detectFaces && (minFace != null || detector != null || detectorModel != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--min-face, --detector and --detector-model apply to --detect-faces only");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int k = top == null ? 0 : top;
    PredictionWriter writer = json ? new JsonLinesWriter(out, err, detectFaces, k)
        : new TableWriter(out, err, detectFaces, k);
    PredictReport report = run(settings(), model == null, detectFaces, paths, writer);
    err.println("fer-predict: " + report.summary(detectFaces));
    err.flush();
    return report.failed() > 0 ? JobRunner.FAILED : JobRunner.OK;
  }

  /**
   * Lists the inputs, loads the model and classifies every input, writing its lines to {@code writer}.
   *
   * @param defaultModel whether the model is the configured default rather than {@code --model} (for the message
   *     when it does not exist)
   * @throws org.ferspark.preprocessing.dataset.InputError if the model file is missing or not a usable model
   */
  public static PredictReport run(PredictSettings s, boolean defaultModel, boolean detectFaces, List<Path> paths,
      PredictionWriter writer) {
    List<ImageFiles.Input> inputs = ImageFiles.list(paths);
    LoadedModel loaded = FaceClassifier.load(s.realtime().model(), defaultModel);
    FaceClassifier classifier = new FaceClassifier(loaded, s.realtime().cropMargin(), s.maxPixels(), s.maxFileBytes());
    double minConfidence = s.realtime().minConfidence();
    MinConfidence.checkClassNames(classifier.classNames(), minConfidence, s.realtime().model().toString());
    try (FaceDetector detector = detectFaces ? s.realtime().detector().create() : null) {
      return new Predictor(classifier, detector, writer, s.maxFileBytes(), BATCH, minConfidence).run(inputs);
    }
  }
}
