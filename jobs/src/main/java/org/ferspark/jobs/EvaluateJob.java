package org.ferspark.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import com.typesafe.config.Config;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.evaluation.metrics.ConfusionMatrixCsv;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.MetricsJson;
import org.ferspark.evaluation.report.HtmlReport;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.RiskCoverage;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.predict.PeerSpec;
import org.ferspark.evaluation.predict.PreparedModel;
import org.ferspark.evaluation.spark.EvaluationPipeline;
import org.ferspark.evaluation.spark.ImageEvaluationPipeline;
import org.ferspark.evaluation.spark.Predictions;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.OutputClaim;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.DetectorSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Evaluation job: scores one split of a preprocessed dataset ({@code --data}), or a folder of labelled photos
 * ({@code --images DIR/<label>/*}: faces found with the detector of {@code fer.realtime.detector.*}, BlazeFace by
 * default, {@link ImageEvaluationPipeline}), with one or more models (fer-spark model files and Keras peers) in one
 * Spark pass and writes the report: {@code metrics.json}, {@code confusion_matrix.csv} and
 * {@code confusion_matrix_normalized.csv} in {@code --report} for one model; for several, those files in
 * {@code --report/<name>/} and {@code comparison.json} (side-by-side scores, McNemar tests) in {@code --report}; with
 * {@code --predictions} also {@code predictions.parquet} (one row per face and model) in {@code --report}. A model
 * file's temperature is applied to its probabilities (those of {@code predictions.parquet} too); the report shows ECE
 * and the reliability diagram before (T = 1) and after, and accuracy against coverage ({@code --min-confidence P}: at
 * P exactly, and the predictions' {@code label} is {@code uncertain} below P).
 *
 * <p>Needs a finished preprocessing output ({@code manifest.json} written) or a photo folder, and model files of
 * its classes. Run: {@code submit-scripts/evaluate.sh --data out/sample --model out/model/model.zip --report
 * out/report --tta}, or {@code submit-scripts/evaluate.sh --images my-photos --report out/photos --predictions}.
 */
@Command(name = "fer-evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate models on a split of preprocessed tensors or on a folder of labelled photos: metrics, "
        + "confusion matrix, calibration, failure gallery, McNemar tests between models.")
public final class EvaluateJob implements Callable<Integer> {
  /** Files this job writes into a report directory (and model subdirectories); --overwrite replaces only these. */
  public static final List<String> REPORT_FILES = Stream.concat(
      Stream.of(MetricsJson.METRICS, MetricsJson.COMPARISON, ConfusionMatrixCsv.COUNTS, ConfusionMatrixCsv.NORMALIZED,
          Predictions.FILE), HtmlReport.FILES.stream()).toList();

  @Option(names = "--model", paramLabel = "PATH",
      description = "fer-spark model file (any Hadoop path; repeatable). Default: fer.evaluate.default-model.")
  List<String> models = new ArrayList<>();

  @Option(names = "--peer", paramLabel = "SPEC", description = "Peer model, KIND:PATH[:OPTIONS] (repeatable), e.g. "
      + "keras:mini_xception.hdf5:size=64,scale=symmetric,labels=angry,disgust,fear,happy,sad,surprise,neutral. "
      + "Options: name, size, scale (unit|symmetric|raw), channels (last|first), interpolation (linear|area), "
      + "labels (output order).")
  List<String> peers = new ArrayList<>();

  @Option(names = "--data", paramLabel = "PATH",
      description = "Preprocessed dataset (the preprocessing job's --output; any Hadoop path). Or --images.")
  String data;

  @Option(names = "--images", paramLabel = "DIR",
      description = "Folder of labelled photos, one folder per class (DIR/<label>/*; any size, colour or gray; any "
          + "Hadoop path): each face is found with the detector of realtime and predict (--detector), normalised "
          + "and scored. Or --data.")
  String images;

  @Option(names = "--no-detect", description = "With --images: take every photo whole as the face.")
  boolean noDetect;

  @Option(names = "--detector", paramLabel = "KIND", description = "With --images: the face detector, blazeface "
      + "(default), haar or dnn (fer.realtime.detector.kind, the detector of realtime and predict).")
  String detector;

  @Option(names = "--several-faces", paramLabel = "POLICY",
      description = "With --images, a photo with several faces: largest (score the largest; default) | reject.")
  String severalFaces;

  @Option(names = "--predictions",
      description = "Also write predictions.parquet into --report: one row per face and model (id, source, box, "
          + "true and predicted label, the label after --min-confidence, one calibrated probability column per "
          + "class, model).")
  boolean predictions;

  @Option(names = "--split", paramLabel = "NAME", description = "train | validation | test (default: test).")
  String split;

  @Option(names = "--report", required = true, paramLabel = "DIR",
      description = "Report directory: local or any Hadoop path (written locally, then copied; index.html last).")
  String report;

  @Option(names = "--tta", arity = "0..1", fallbackValue = "six", paramLabel = "VIEWS",
      description = "Also score with test-time augmentation: six (default: the face, its mirror, 4 corner crops)"
          + " or ten-crop (4 corners + centre, and their mirrors).")
  String tta;

  @Option(names = "--min-confidence", paramLabel = "P",
      description = "Also report the coverage and the accuracy of the faces whose top (calibrated) probability is "
          + "at least P; the others count as 'uncertain' (fer.min-confidence, default 0).")
  Double minConfidence;

  @Option(names = "--overwrite", description = "Replace the report files of an earlier run in --report.")
  boolean overwrite;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** What an evaluation run produced. */
  public record Report(EvaluationResult result, Path dir, List<Path> files) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new EvaluateJob(), args));
  }

  EvaluateSettings settings() {
    return EvaluateSettings.from(config());
  }

  /** The resolved configuration: reference.conf, --config, --set, then this command's flags. */
  Config config() {
    Map<String, Object> flags = new LinkedHashMap<>();
    if (split != null) {
      flags.put("fer.evaluate.split", split);
    }
    if (tta != null) {
      flags.put("fer.evaluate.tta", true);
      flags.put("fer.evaluate.tta-views", tta);
    }
    if (minConfidence != null) {
      flags.put(MinConfidence.KEY, MinConfidence.check(minConfidence, "--min-confidence"));
    }
    if (detector != null) {
      flags.put("fer.realtime.detector.kind", detector);
    }
    if (noDetect) {
      flags.put("fer.evaluate.images.detect", false);
    }
    if (severalFaces != null) {
      flags.put("fer.evaluate.images.several-faces", severalFaces);
    }
    return configOptions.load(flags);
  }

  /** Exactly one of --data and --images; the photo options only with --images. */
  void checkUsage() {
    if ((data == null) == (images == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), data == null
          ? "give --data PREPROCESSED (tensors) or --images DIR (photos, one folder per class)"
          : "give --data or --images, not both");
    }
    if (images != null && split != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--split applies to --data; --images scores every photo of its folder");
    }
    if (images == null && (noDetect || severalFaces != null || detector != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--no-detect, --several-faces and --detector "
          + "apply to --images only");
    }
    if (detector != null && !DetectorSettings.KINDS.contains(detector)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--detector must be one of "
          + String.join(", ", DetectorSettings.KINDS) + ", got '" + detector + "'");
    }
  }

  /** The models to score, in command-line order: {@code --model}s, then {@code --peer}s, else the default model. */
  List<ModelSpec> specs(EvaluateSettings settings) {
    List<ModelSpec> specs = new ArrayList<>();
    models.forEach(m -> specs.add(ModelSpec.fer(m)));
    peers.forEach(p -> specs.add(PeerSpec.parse(p)));
    if (specs.isEmpty()) {
      String fallback = settings.defaultModel();
      if (!exists(fallback)) {
        throw new InputError("no --model or --peer given, and the default model " + fallback
            + " (fer.evaluate.default-model) does not exist; pass --model FILE (e.g. a training run's model.zip)");
      }
      specs.add(ModelSpec.fer(fallback));
    }
    return specs;
  }

  @Override
  public Integer call() throws Exception {
    checkUsage();
    Config config = config();
    EvaluateSettings settings = EvaluateSettings.from(config);
    ImageSettings imageSettings = images == null ? null : ImageSettings.from(config, RealtimeSettings.root());
    List<ModelSpec> specs = specs(settings);
    boolean remote = HadoopReport.isHadoop(report);
    Path dir;
    if (remote) {
      HadoopReport.checkTarget(report, overwrite, new Configuration());
      if (overwrite) {
        HadoopReport.deletePredictions(report, new Configuration());
      }
      dir = Files.createTempDirectory("fer-report-");
    } else {
      dir = Path.of(report);
      checkReportDir(dir, overwrite);
    }
    Scoring scoring;
    List<PreparedModel> prepared;
    if (images != null) {
      ImageEvaluationPipeline.Inputs in = ImageEvaluationPipeline.prepare(images, specs, imageSettings,
          new Configuration());
      prepared = in.models();
      scoring = (spark, target, replace) -> ImageEvaluationPipeline.run(spark, in, settings, imageSettings,
          settings.tta(), target, replace);
    } else {
      EvaluationPipeline.Inputs in = EvaluationPipeline.prepare(data, settings.split(), specs, new Configuration());
      prepared = in.models();
      scoring = (spark, target, replace) -> EvaluationPipeline.run(spark, in, settings, settings.tta(), target,
          replace);
    }
    for (PreparedModel m : prepared) {
      MinConfidence.checkClassNames(m.spec().convention().outputLabels(), settings.minConfidence(),
          m.spec().location());
    }
    String predictionsTarget = !predictions ? null
        : remote ? new org.apache.hadoop.fs.Path(report, Predictions.FILE).toString()
        : dir.toAbsolutePath().resolve(Predictions.FILE).toUri().toString();
    Report r;
    SparkSession spark = SparkSession.builder().appName("fer-evaluate").getOrCreate();
    StageProgress.follow(spark.sparkContext(), "fer-evaluate");
    try {
      r = run(spark, scoring, dir, overwrite, predictionsTarget);
      if (remote) {
        HadoopReport.publish(dir, report, overwrite, spark.sparkContext().hadoopConfiguration());
      }
    } catch (RuntimeException e) {
      throw inputErrorCause(e);
    } finally {
      spark.stop();
      if (remote) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put(images != null ? "images" : "split", images != null ? images : r.result().split());
    summary.put("examples", r.result().models().get(0).plain().examples());
    if (r.result().inputs() != null) {
      summary.put("inputs", r.result().inputs().total());
      summary.put("status", r.result().inputs().byStatus());
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ModelEvaluation m : r.result().models()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", m.name());
      row.put("accuracy", round(m.plain().accuracy()));
      row.put("macroF1", round(m.plain().macroF1()));
      if (m.tta() != null) {
        row.put("ttaAccuracy", round(m.tta().accuracy()));
      }
      row.put("ece", round(m.plain().ece()));
      if (m.uncalibrated() != null) {
        row.put("temperature", round(m.temperature()));
        row.put("uncalibratedEce", round(m.uncalibrated().ece()));
      }
      RiskCoverage.Point kept = m.plain().riskCoverage() == null ? null : m.plain().riskCoverage().atMinConfidence();
      if (kept != null) {
        row.put("minConfidence", kept.threshold());
        row.put("coverage", round(kept.coverage()));
        row.put("coveredAccuracy", round(kept.accuracy()));
      }
      rows.add(row);
    }
    summary.put("models", rows);
    summary.put("seconds", Math.round(r.result().seconds() * 10) / 10.0);
    String where = remote ? report : r.dir().toAbsolutePath().toString();
    summary.put("report", where);
    if (predictionsTarget != null) {
      summary.put("predictions", predictionsTarget);
    }
    JobRunner.printSummary("fer-evaluate", summary);
    System.out.println("fer-evaluate: report in " + (remote ? report.replaceAll("/+$", "") + "/" + HtmlReport.INDEX
        : r.dir().toAbsolutePath().resolve(HtmlReport.INDEX)));
    return JobRunner.OK;
  }

  /** One evaluation's scoring, given the session and where to write the per-face predictions (null: nowhere). */
  @FunctionalInterface
  public interface Scoring {
    EvaluationResult score(SparkSession spark, String predictionsTarget, boolean replace);
  }

  /** Scores and writes the report; {@code inputs} from {@link EvaluationPipeline#prepare}. */
  public static Report run(SparkSession spark, EvaluationPipeline.Inputs inputs, EvaluateSettings settings,
      Path dir, boolean overwrite) throws IOException {
    return run(spark, (s, target, replace) -> EvaluationPipeline.run(s, inputs, settings, settings.tta(), target,
        replace), dir, overwrite, null);
  }

  /**
   * Scores and writes the report into {@code dir}; with {@code predictionsTarget} (a Hadoop URI: the local report
   * folder's, or the remote report's) the executors write {@code predictions.parquet} there. With {@code overwrite},
   * an earlier report's files are replaced, and an earlier {@code predictions.parquet} in {@code dir} is removed
   * first.
   */
  public static Report run(SparkSession spark, Scoring scoring, Path dir, boolean overwrite, String predictionsTarget)
      throws IOException {
    checkReportDir(dir, overwrite);
    try (OutputClaim claim = OutputClaim.acquire(new org.apache.hadoop.fs.Path(dir.toAbsolutePath().toUri()),
        new Configuration(), "fer-evaluate", overwrite)) {
      checkReportDir(dir, overwrite);
      if (overwrite) {
        deleteTree(dir.resolve(Predictions.FILE));
      }
      EvaluationResult result = scoring.score(spark, predictionsTarget, overwrite);
      if (overwrite) {
        clearReportFiles(dir);
      }
      List<Path> files = writeReport(result, dir);
      if (predictionsTarget != null && Files.isDirectory(dir.resolve(Predictions.FILE))) {
        files.add(dir.resolve(Predictions.FILE));
      }
      return new Report(result, dir, files);
    }
  }

  /**
   * Writes every report file of {@code result} into {@code dir}: metrics.json and the confusion-matrix CSVs per
   * model, comparison.json for several models, then the PNG charts and index.html ({@link HtmlReport}). One model:
   * everything at the top of {@code dir}; several: each model in {@code dir/<name>/} (the report's folder names).
   */
  public static List<Path> writeReport(EvaluationResult result, Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    boolean single = result.models().size() == 1;
    List<String> folders = HtmlReport.folderNames(result.models());
    for (int i = 0; i < result.models().size(); i++) {
      ModelEvaluation m = result.models().get(i);
      Path modelDir = single ? dir : dir.resolve(folders.get(i));
      files.add(MetricsJson.writeMetrics(result, m, modelDir));
      ConfusionMatrixCsv.write(m.plain(), modelDir);
      files.add(modelDir.resolve(ConfusionMatrixCsv.COUNTS));
      files.add(modelDir.resolve(ConfusionMatrixCsv.NORMALIZED));
    }
    if (!single) {
      files.add(MetricsJson.writeComparison(result, dir));
    }
    files.add(HtmlReport.write(result, dir));
    return files;
  }

  /** Refuses a local-only --report that is a URI, and an earlier report without --overwrite. */
  static void checkReportDir(Path dir, boolean overwrite) throws IOException {
    if (dir.toString().matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      throw new InputError("--report must be a local directory, got " + dir);
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InputError("--report " + dir + " is a file, not a directory");
    }
    if (!overwrite && !reportFiles(dir).isEmpty()) {
      throw new InputError("--report " + dir + " already holds an evaluation report (" + reportFiles(dir).get(0)
          + "); pass --overwrite to replace it");
    }
  }

  /** This job's files in {@code dir} and in its immediate subdirectories. */
  static List<Path> reportFiles(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    List<Path> dirs = new ArrayList<>(List.of(dir));
    try (Stream<Path> children = Files.list(dir)) {
      children.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    for (Path d : dirs) {
      for (String name : REPORT_FILES) {
        if (Files.isRegularFile(d.resolve(name)) || (d == dir && Files.isDirectory(d.resolve(name)))) {
          found.add(d.resolve(name));
        }
      }
    }
    return found;
  }

  /** Deletes the files of an earlier report; predictions.parquet, a folder written by this run, is kept. */
  private static void clearReportFiles(Path dir) throws IOException {
    for (Path f : reportFiles(dir)) {
      if (Files.isRegularFile(f)) {
        Files.delete(f);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** An executor's {@link InputError} arrives wrapped in Spark's exceptions: unwrap it for the one-line message. */
  static RuntimeException inputErrorCause(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof InputError ie) {
        return ie;
      }
    }
    return e;
  }

  private static boolean exists(String location) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      return p.getFileSystem(new Configuration()).exists(p);
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10000) / 10000.0 : null;
  }
}
