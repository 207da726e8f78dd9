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
import org.ferspark.evaluation.images.InputSummary;

/**
 * Writes the machine-readable evaluation files: {@value #METRICS} for one model and {@value #COMPARISON} for
 * several, as JSON with snake_case keys; non-finite numbers (a recall without support, an empty bin) are
 * {@code null}. Every file is written under a temporary name and renamed.
 *
 * <p>{@value #METRICS}: {@code model} (name, source, metadata without the training history), {@code dataset} (path,
 * split, fingerprint), {@code labels}, then the scores: {@code examples, accuracy, top2_accuracy, macro_f1,
 * balanced_accuracy, ece, mean_loss, per_class {name: {precision, recall, recall_ci95 [low, high] (Wilson), f1,
 * support, predicted, absent}}, absent_classes, confusion_matrix} (counts, rows = true class, columns = predicted,
 * label order), {@code calibration} (15 bins: lower, upper, count, mean_confidence, accuracy) and
 * {@code risk_coverage} ({@code thresholds}: threshold, covered, correct, coverage, accuracy at 0, 0.3, ..., 0.9;
 * {@code min_confidence}: the same at {@code --min-confidence}, or {@code null}); {@code temperature} (applied to
 * every score above) and {@code uncalibrated} ({@code ece, mean_loss, calibration} at T = 1, or {@code null} when the
 * temperature is 1); {@code tta}: the same scores with test-time augmentation plus {@code views}, or {@code null};
 * {@code failures} (the most confident mistakes per true class: id, source, box, true, predicted, confidence);
 * {@code inputs} for a photo folder (total, status per input, unreadable reasons, examples, detector results,
 * settings), else absent; {@code history_epochs}; {@code seconds} (the whole evaluation). A class without examples
 * is {@code absent}: its recall is {@code null}, never 0.
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
    root.put("failures", failures(m));
    if (result.inputs() != null) {
      root.put("inputs", inputs(result.inputs()));
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
    if (result.inputs() != null) {
      root.put("inputs", inputs(result.inputs()));
    }
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
      double[] ci = recallInterval(m, c);
      row.put("recall_ci95", c.support() == 0 ? null : List.of(ci[0], ci[1]));
      row.put("f1", num(c.f1()));
      row.put("support", c.support());
      row.put("predicted", c.predicted());
      row.put("absent", c.support() == 0);
      perClass.put(c.name(), row);
    }
    out.put("per_class", perClass);
    out.put("absent_classes", m.perClass().stream().filter(c -> c.support() == 0).map(ClassMetrics::name).toList());
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

  /** The 95 % Wilson interval of a class's recall: its diagonal count out of its support. */
  public static double[] recallInterval(Metrics m, ClassMetrics c) {
    int k = m.classNames().indexOf(c.name());
    return Wilson.interval95(k < 0 ? 0 : m.confusion()[k][k], c.support());
  }

  private static List<Map<String, Object>> failures(ModelEvaluation m) {
    List<String> names = m.plain().classNames();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Failure f : m.failures()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", f.id());
      row.put("source", f.source());
      row.put("box", f.box() == null ? null : List.of(f.box().x(), f.box().y(), f.box().width(), f.box().height()));
      row.put("true", names.get(f.trueLabel()));
      row.put("predicted", names.get(f.predicted()));
      row.put("confidence", num(f.confidence()));
      out.add(row);
    }
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

  private static Map<String, Object> inputs(InputSummary in) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("total", in.total());
    d.put("scored", in.scored());
    d.put("status", in.byStatus());
    d.put("unreadable_reasons", in.unreadableByReason());
    Map<String, Object> examples = new LinkedHashMap<>();
    in.examples().forEach((status, list) -> examples.put(status, list.stream().map(e -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("source", e.source());
      row.put("detail", e.detail());
      return row;
    }).toList()));
    d.put("examples", examples);
    InputSummary.Detector det = in.detector();
    Map<String, Object> detector = new LinkedHashMap<>();
    detector.put("searched", det.searched());
    detector.put("whole_images", det.wholeImages());
    detector.put("faces_found", det.facesFound());
    detector.put("largest_of_several", det.largestOfSeveral());
    Map<String, Object> sides = new LinkedHashMap<>();
    sides.put("min", det.sideMin() < 0 ? null : det.sideMin());
    sides.put("max", det.sideMax() < 0 ? null : det.sideMax());
    sides.put("mean", num(det.sideMean()));
    sides.put("histogram", det.sides().stream().map(b -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("lower", b.lower());
      row.put("upper", b.upper() < 0 ? null : b.upper());
      row.put("count", b.count());
      return row;
    }).toList());
    detector.put("face_side", sides);
    d.put("detector", detector);
    d.put("settings", in.settings());
    return d;
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
    d.put("kind", r.inputs() == null ? "tensors" : "images");
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
