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
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.metrics.ConfusionMatrixCsv;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.MetricsJson;
import org.ferspark.evaluation.report.HtmlReport;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.RiskCoverage;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.predict.PeerSpec;
import org.ferspark.evaluation.spark.EvaluationPipeline;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.OutputClaim;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Evaluation job: scores one split of a preprocessed dataset with one or more models (fer-spark model files and
 * Keras peers) in one Spark pass and writes the report: {@code metrics.json}, {@code confusion_matrix.csv} and
 * {@code confusion_matrix_normalized.csv} in {@code --report} for one model; for several, those files in
 * {@code --report/<name>/} and {@code comparison.json} (side-by-side scores, McNemar tests) in {@code --report}.
 * A model file's temperature is applied to its probabilities; the report shows ECE and the reliability diagram before
 * (T = 1) and after, and accuracy against coverage ({@code --min-confidence P}: at P exactly).
 *
 * <p>Needs a finished preprocessing output ({@code manifest.json} written) and model files of its classes. Run:
 * {@code submit-scripts/evaluate.sh --data out/sample --model out/model/model.zip --report out/report --tta}.
 */
@Command(name = "fer-evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate models on a split of preprocessed tensors: metrics, confusion matrix, calibration, "
        + "McNemar tests between models.")
public final class EvaluateJob implements Callable<Integer> {
  /** Files this job writes into a report directory (and model subdirectories); --overwrite replaces only these. */
  public static final List<String> REPORT_FILES = Stream.concat(
      Stream.of(MetricsJson.METRICS, MetricsJson.COMPARISON, ConfusionMatrixCsv.COUNTS, ConfusionMatrixCsv.NORMALIZED),
      HtmlReport.FILES.stream()).toList();

  @Option(names = "--model", paramLabel = "PATH",
      description = "fer-spark model file (any Hadoop path; repeatable). Default: fer.evaluate.default-model.")
  List<String> models = new ArrayList<>();

  @Option(names = "--peer", paramLabel = "SPEC", description = "Peer model, KIND:PATH[:OPTIONS] (repeatable), e.g. "
      + "keras:mini_xception.hdf5:size=64,scale=symmetric,labels=angry,disgust,fear,happy,sad,surprise,neutral. "
      + "Options: name, size, scale (unit|symmetric|raw), channels (last|first), interpolation (linear|area), "
      + "labels (output order).")
  List<String> peers = new ArrayList<>();

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "Preprocessed dataset (the preprocessing job's --output; any Hadoop path).")
  String data;

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

  /** What an evaluation run produced. */
  public record Report(EvaluationResult result, Path dir, List<Path> files) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new EvaluateJob(), args));
  }

  EvaluateSettings settings() {
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
    return EvaluateSettings.from(configOptions.load(flags));
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
    EvaluateSettings settings = settings();
    List<ModelSpec> specs = specs(settings);
    boolean remote = HadoopReport.isHadoop(report);
    Path dir;
    if (remote) {
      HadoopReport.checkTarget(report, overwrite, new Configuration());
      dir = Files.createTempDirectory("fer-report-");
    } else {
      dir = Path.of(report);
      checkReportDir(dir, overwrite);
    }
    EvaluationPipeline.Inputs inputs = EvaluationPipeline.prepare(data, settings.split(), specs, new Configuration());
    for (var m : inputs.models()) {
      MinConfidence.checkClassNames(m.spec().convention().outputLabels(), settings.minConfidence(),
          m.spec().location());
    }
    Report r;
    SparkSession spark = SparkSession.builder().appName("fer-evaluate").getOrCreate();
    StageProgress.follow(spark.sparkContext(), "fer-evaluate");
    try {
      r = run(spark, inputs, settings, dir, overwrite);
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
    summary.put("split", r.result().split());
    summary.put("examples", r.result().models().get(0).plain().examples());
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
    JobRunner.printSummary("fer-evaluate", summary);
    System.out.println("fer-evaluate: report in " + (remote ? report.replaceAll("/+$", "") + "/" + HtmlReport.INDEX
        : r.dir().toAbsolutePath().resolve(HtmlReport.INDEX)));
    return JobRunner.OK;
  }

  /** Scores and writes the report; {@code inputs} from {@link EvaluationPipeline#prepare}. */
  public static Report run(SparkSession spark, EvaluationPipeline.Inputs inputs, EvaluateSettings settings,
      Path dir, boolean overwrite) throws IOException {
    checkReportDir(dir, overwrite);
    try (OutputClaim claim = OutputClaim.acquire(new org.apache.hadoop.fs.Path(dir.toAbsolutePath().toUri()),
        new Configuration(), "fer-evaluate", overwrite)) {
      checkReportDir(dir, overwrite);
      EvaluationResult result = EvaluationPipeline.run(spark, inputs, settings, settings.tta());
      if (overwrite) {
        clearReportFiles(dir);
      }
      return new Report(result, dir, writeReport(result, dir));
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
        if (Files.isRegularFile(d.resolve(name))) {
          found.add(d.resolve(name));
        }
      }
    }
    return found;
  }

  private static void clearReportFiles(Path dir) throws IOException {
    for (Path f : reportFiles(dir)) {
      Files.delete(f);
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
