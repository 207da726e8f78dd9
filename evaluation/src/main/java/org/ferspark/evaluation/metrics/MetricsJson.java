package org.ferspark.evaluation.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the machine-readable evaluation files: {@value #METRICS} for one model and {@value #COMPARISON} for
 * several, as JSON with snake_case keys; non-finite numbers (a recall without support, an empty bin) are
 * {@code null}. Every file is written under a temporary name and renamed.
 *
 * <p>{@value #METRICS}: {@code model} (name, source, metadata without the training history), {@code dataset} (path,
 * split, fingerprint), {@code labels}, then the scores: {@code examples, accuracy, top2_accuracy, macro_f1,
 * balanced_accuracy, ece, mean_loss, per_class {name: {precision, recall, f1, support, predicted}},
 * confusion_matrix} (counts, rows = true class, columns = predicted, label order), {@code calibration} (15 bins:
 * lower, upper, count, mean_confidence, accuracy) and {@code risk_coverage} ({@code thresholds}: threshold, covered,
 * correct, coverage, accuracy at 0, 0.3, ..., 0.9; {@code min_confidence}: the same at {@code --min-confidence}, or
 * {@code null}); {@code temperature} (applied to every score above) and {@code uncalibrated} ({@code ece, mean_loss,
 * calibration} at T = 1, or {@code null} when the temperature is 1); {@code tta}: the same scores with test-time
 * augmentation plus {@code views}, or {@code null}; {@code history_epochs}; {@code seconds} (the whole evaluation).
 *
 * <p>{@value #COMPARISON}: {@code dataset}, {@code labels}, {@code models} (per model: name, source, examples,
 * accuracy, top2_accuracy, macro_f1, balanced_accuracy, ece, mean_loss, per_class_recall, temperature,
 * uncalibrated_ece, tta_accuracy, tta_macro_f1) and {@code mcnemar} (model_a, model_b, only_a, only_b, statistic,
 * p_value, method).
 */
public final class MetricsJson {
  public static final String METRICS = "metrics.json";
  public static final String COMPARISON = "comparison.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MetricsJson() {
  }

  /** Writes {@code dir/metrics.json} for model {@code m} of {@code result}. */
  public static Path writeMetrics(EvaluationResult result, ModelEvaluation m, Path dir) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("name", m.name());
    model.put("source", m.source());
    model.put("metadata", m.metadata());
    root.put("model", model);
    root.put("dataset", dataset(result));
    root.put("labels", m.plain().classNames());
    root.putAll(scores(m.plain()));
    root.put("temperature", num(m.temperature()));
    root.put("uncalibrated", m.uncalibrated() == null ? null : calibration(m.uncalibrated()));
    if (m.tta() != null) {
      Map<String, Object> tta = new LinkedHashMap<>();
      tta.put("views", result.ttaViews());
      tta.putAll(scores(m.tta()));
      root.put("tta", tta);
    } else {
      root.put("tta", null);
    }
    root.put("history_epochs", m.history().size());
    root.put("seconds", num(result.seconds()));
    Path file = dir.resolve(METRICS);
    write(file, JSON.writeValueAsBytes(root));
    return file;
  }

  /** Writes {@code dir/comparison.json}: the side-by-side table and the McNemar tests. */
  public static Path writeComparison(EvaluationResult result, Path dir) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("dataset", dataset(result));
    root.put("labels", result.models().isEmpty() ? List.of() : result.models().get(0).plain().classNames());
    List<Map<String, Object>> models = new ArrayList<>();
    for (ModelEvaluation m : result.models()) {
      Metrics p = m.plain();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", m.name());
      row.put("source", m.source());
      row.put("examples", p.examples());
      row.put("accuracy", num(p.accuracy()));
      row.put("top2_accuracy", num(p.top2Accuracy()));
      row.put("macro_f1", num(p.macroF1()));
      row.put("balanced_accuracy", num(p.balancedAccuracy()));
      row.put("ece", num(p.ece()));
      row.put("mean_loss", num(p.meanLoss()));
      Map<String, Object> recall = new LinkedHashMap<>();
      p.perClass().forEach(c -> recall.put(c.name(), num(c.recall())));
      row.put("per_class_recall", recall);
      row.put("temperature", num(m.temperature()));
      row.put("uncalibrated_ece", m.uncalibrated() == null ? null : num(m.uncalibrated().ece()));
      row.put("tta_accuracy", m.tta() == null ? null : num(m.tta().accuracy()));
      row.put("tta_macro_f1", m.tta() == null ? null : num(m.tta().macroF1()));
      models.add(row);
    }
    root.put("models", models);
    List<Map<String, Object>> tests = new ArrayList<>();
    for (PairTest t : result.pairTests()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model_a", t.modelA());
      row.put("model_b", t.modelB());
      row.put("only_a", t.onlyA());
      row.put("only_b", t.onlyB());
      row.put("statistic", num(t.statistic()));
      row.put("p_value", num(t.pValue()));
      row.put("method", t.method());
      tests.add(row);
    }
    root.put("mcnemar", tests);
    root.put("seconds", num(result.seconds()));
    Path file = dir.resolve(COMPARISON);
    write(file, JSON.writeValueAsBytes(root));
    return file;
  }

  /** The score block shared by the plain and the TTA part. */
  static Map<String, Object> scores(Metrics m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("examples", m.examples());
    out.put("accuracy", num(m.accuracy()));
    out.put("top2_accuracy", num(m.top2Accuracy()));
    out.put("macro_f1", num(m.macroF1()));
    out.put("balanced_accuracy", num(m.balancedAccuracy()));
    out.put("ece", num(m.ece()));
    out.put("mean_loss", num(m.meanLoss()));
    Map<String, Object> perClass = new LinkedHashMap<>();
    for (ClassMetrics c : m.perClass()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("precision", num(c.precision()));
      row.put("recall", num(c.recall()));
      row.put("f1", num(c.f1()));
      row.put("support", c.support());
      row.put("predicted", c.predicted());
      perClass.put(c.name(), row);
    }
    out.put("per_class", perClass);
    out.put("confusion_matrix", m.confusion());
    List<Map<String, Object>> bins = new ArrayList<>();
    for (CalibrationBin b : m.calibration()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("lower", b.lower());
      row.put("upper", b.upper());
      row.put("count", b.count());
      row.put("mean_confidence", num(b.meanConfidence()));
      row.put("accuracy", num(b.accuracy()));
      bins.add(row);
    }
    out.put("calibration", bins);
    out.put("risk_coverage", m.riskCoverage() == null ? null : riskCoverage(m.riskCoverage()));
    return out;
  }

  /** The calibration part of a score block: what changes with the temperature (accuracy does not). */
  static Map<String, Object> calibration(Metrics m) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> all = scores(m);
    for (String key : List.of("ece", "mean_loss", "calibration")) {
      out.put(key, all.get(key));
    }
    return out;
  }

  /** The risk-coverage table and, with {@code --min-confidence}, its exact point. */
  static Map<String, Object> riskCoverage(RiskCoverage rc) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    rc.table().forEach(p -> rows.add(point(p)));
    out.put("thresholds", rows);
    out.put("min_confidence", rc.atMinConfidence() == null ? null : point(rc.atMinConfidence()));
    return out;
  }

  private static Map<String, Object> point(RiskCoverage.Point p) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("threshold", p.threshold());
    row.put("covered", p.covered());
    row.put("correct", p.correct());
    row.put("coverage", num(p.coverage()));
    row.put("accuracy", num(p.accuracy()));
    return row;
  }

  private static Map<String, Object> dataset(EvaluationResult r) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("path", r.dataset());
    d.put("split", r.split());
    d.put("fingerprint", r.datasetFingerprint());
    return d;
  }

  /** A finite number, or null. */
  static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Writes {@code bytes} to a temporary file beside {@code target}, then renames it over {@code target}. */
  static void write(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
