package org.ferspark.evaluation.report;

import java.util.List;
import java.util.Map;
import org.ferspark.evaluation.metrics.CalibrationBin;
import org.ferspark.evaluation.metrics.ClassMetrics;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.metrics.MetricsJson;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.RiskCoverage;
import org.ferspark.evaluation.predict.PreparedModel;
import org.ferspark.model.train.HistoryRow;

/**
 * The report page of one model: headline metrics (with test-time augmentation beside the plain scores when
 * present), per-class scores, the confusion matrix as image and table, training curves, calibration (before and
 * after for a model with a temperature), accuracy against coverage, sample faces and the model's metadata. Scores
 * other than the TTA column are the plain ones.
 */
final class ModelPage {

  /** The sentence shown in place of the curves when the model file has no training history. */
  static final String NO_HISTORY = "no training history in this model file";
  /** What the per-class table shows for a class without examples. */
  static final String ABSENT = "absent";

  private ModelPage() {
  }

  /** The page; {@code backLink} adds a link to the comparison page one folder up. */
  static String html(EvaluationResult result, ModelEvaluation model, ModelImages images, boolean backLink) {
    Metrics m = model.plain();
    StringBuilder b = new StringBuilder();
    if (backLink) {
      b.append("<p><a href=\"../index.html\">&larr; comparison of all models</a></p>\n");
    }
    b.append("<h1>").append(Html.esc(model.name())).append("</h1>\n<p class=\"sub\">")
        .append(where(result)).append(" &middot; ").append(Fmt.count(m.examples()))
        .append(" examples &middot; model file <code>").append(Html.esc(model.source())).append("</code></p>\n");
    metrics(b, model);
    perClass(b, m);
    InputsSection.append(b, result.inputs());
    FailureGallery.append(b, model);
    b.append("<h2>Confusion matrix</h2>\n<p class=\"note\">Rows are true classes, columns predicted classes; "
        + "each cell holds the count and its share of the row.</p>\n")
        .append(Html.img(images.confusion(), "confusion matrix")).append('\n');
    ConfusionTable.append(b, m.confusion(), m.classNames());
    history(b, model.history(), images);
    calibration(b, model, images);
    coverage(b, model, images);
    b.append("<h2>Sample faces</h2>\n");
    b.append(images.samples() == null ? "<p class=\"note\">no sample faces were kept</p>\n"
        : "<p class=\"note\">Green border: classified correctly; red border: misclassified. "
            + "Captions give the true class, the predicted class and its probability.</p>\n"
            + Html.img(images.samples(), "sample faces") + "\n");
    MetadataSection.append(b, model.metadata(), result.datasetFingerprint());
    return Html.page(model.name() + " — fer-spark evaluation", b.toString());
  }

  /** "test split of <code>DATA</code>", or "photos in <code>DIR</code>" for a photo folder. */
  static String where(EvaluationResult result) {
    return result.inputs() != null ? "photos in <code>" + Html.esc(result.dataset()) + "</code>"
        : Html.esc(result.split()) + " split of <code>" + Html.esc(result.dataset()) + "</code>";
  }

  private static void metrics(StringBuilder b, ModelEvaluation model) {
    boolean tta = model.tta() != null;
    b.append("<h2>Metrics</h2>\n<table class=\"metrics\"><tr><th>metric</th><th>")
        .append(tta ? "plain" : "value").append("</th>").append(tta ? "<th>with TTA</th>" : "")
        .append("<th>meaning</th></tr>\n");
    for (MetricRow row : MetricRow.HEADLINE) {
      b.append("<tr><th>").append(Html.esc(row.label())).append("</th><td class=\"n\">")
          .append(row.value().apply(model.plain())).append("</td>");
      if (tta) {
        b.append("<td class=\"n\">").append(row.value().apply(model.tta())).append("</td>");
      }
      b.append("<td class=\"note\">").append(Html.esc(row.help())).append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  /** ECE and the reliability diagram; before (T = 1) and after side by side for a model with a temperature. */
  private static void calibration(StringBuilder b, ModelEvaluation model, ModelImages images) {
    b.append("<h2>Calibration</h2>\n");
    Metrics after = model.plain();
    Metrics before = model.uncalibrated();
    if (before == null) {
      b.append("<p class=\"note\">").append(model.temperature() == 1 && "fer-spark".equals(model.metadata()
          .get("kind")) ? "Uncalibrated model file (temperature 1): <code>submit-scripts/calibrate.sh</code> fits "
          + "one on a validation split." : "Probabilities as the model gives them.").append("</p>\n");
      b.append(images.reliability() == null ? "<p class=\"note\">no calibration bins</p>\n"
          : Html.img(images.reliability(), "reliability diagram") + "\n");
      return;
    }
    b.append("<p>Probabilities are calibrated by temperature scaling: <code>softmax(z / T)</code> with <b>T = ")
        .append(Fmt.num(model.temperature(), 4)).append("</b> from the model file");
    if (model.metadata().get(PreparedModel.CALIBRATION) instanceof Map<?, ?> c) {
      b.append(" (fitted on the ").append(Html.esc(c.get("split"))).append(" split, ")
          .append(Html.esc(c.get("examples"))).append(" faces)");
    }
    b.append(". Every score on this page is after calibration; <i>before</i> is the network's own softmax "
        + "(T = 1). Accuracy and the ranking of faces by confidence do not change.</p>\n");
    b.append("<table class=\"calibration\"><tr><th>on this split</th><th>before (T = 1)</th><th>after (T = ")
        .append(Fmt.num(model.temperature(), 3)).append(")</th></tr>\n");
    row(b, "ECE", Fmt.num(before.ece(), 4), Fmt.num(after.ece(), 4));
    row(b, "mean loss (NLL)", Fmt.num(before.meanLoss(), 4), Fmt.num(after.meanLoss(), 4));
    row(b, "mean confidence", Fmt.pct(meanConfidence(before)), Fmt.pct(meanConfidence(after)));
    row(b, "accuracy", Fmt.pct(before.accuracy()), Fmt.pct(after.accuracy()));
    b.append("</table>\n<div class=\"row\">");
    if (images.reliabilityUncalibrated() != null) {
      b.append("<div>").append(Html.img(images.reliabilityUncalibrated(), "reliability diagram before calibration"))
          .append("</div>");
    }
    if (images.reliability() != null) {
      b.append("<div>").append(Html.img(images.reliability(), "reliability diagram after calibration"))
          .append("</div>");
    }
    b.append("</div>\n");
  }

  /** The risk-coverage curve and its table, with the run's {@code --min-confidence} highlighted. */
  private static void coverage(StringBuilder b, ModelEvaluation model, ModelImages images) {
    RiskCoverage rc = model.plain().riskCoverage();
    if (rc == null || rc.examples() == 0) {
      return;
    }
    b.append("<h2>Accuracy vs coverage</h2>\n<p class=\"note\">A face whose top probability is below a threshold "
        + "is labelled <i>uncertain</i> (<code>--min-confidence</code>, <code>fer.min-confidence</code>) and set "
        + "aside: coverage is the share of faces kept, accuracy is measured on those.</p>\n");
    RiskCoverage.Point chosen = rc.atMinConfidence();
    if (chosen != null) {
      b.append("<p class=\"min-confidence\">With <code>--min-confidence ").append(Fmt.num(chosen.threshold(), 3))
          .append("</code>: coverage <b>").append(Fmt.pct(chosen.coverage())).append("</b> (")
          .append(Fmt.count(chosen.covered())).append(" of ").append(Fmt.count(rc.examples()))
          .append(" faces), accuracy on them <b>").append(Fmt.pct(chosen.accuracy())).append("</b> (all faces: ")
          .append(Fmt.pct(model.plain().accuracy())).append(").</p>\n");
    }
    if (images.riskCoverage() != null) {
      b.append(Html.img(images.riskCoverage(), "accuracy against coverage")).append('\n');
    }
    java.util.List<RiskCoverage.Point> rows = new java.util.ArrayList<>(rc.table());
    if (chosen != null && rows.stream().noneMatch(p -> p.threshold() == chosen.threshold())) {
      rows.add(chosen);
      rows.sort(java.util.Comparator.comparingDouble(RiskCoverage.Point::threshold));
    }
    b.append("<table class=\"coverage\"><tr><th>min-confidence</th><th>coverage</th><th>faces kept</th>"
        + "<th>accuracy of kept</th><th>error of kept</th></tr>\n");
    for (RiskCoverage.Point p : rows) {
      boolean mark = chosen != null && p.threshold() == chosen.threshold();
      b.append(mark ? "<tr class=\"chosen\"><th>" : "<tr><th>").append(Fmt.num(p.threshold(), 3))
          .append(mark ? " (this run)" : "").append("</th><td class=\"n\">").append(Fmt.pct1(p.coverage()))
          .append("</td><td class=\"n\">").append(Fmt.count(p.covered())).append("</td><td class=\"n\">")
          .append(Fmt.pct1(p.accuracy())).append("</td><td class=\"n\">").append(Fmt.pct1(1 - p.accuracy()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void row(StringBuilder b, String label, String before, String after) {
    b.append("<tr><th>").append(Html.esc(label)).append("</th><td class=\"n\">").append(before)
        .append("</td><td class=\"n\">").append(after).append("</td></tr>\n");
  }

  /** The mean top-1 probability, from the calibration bins. */
  static double meanConfidence(Metrics m) {
    double sum = 0;
    long n = 0;
    for (CalibrationBin bin : m.calibration()) {
      if (bin.count() > 0) {
        sum += bin.meanConfidence() * bin.count();
        n += bin.count();
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static void perClass(StringBuilder b, Metrics m) {
    b.append("<h2>Per class</h2>\n<table class=\"per-class\"><tr><th>class</th><th>precision</th><th>recall</th>"
        + "<th>recall 95% CI</th><th>F1</th><th>support</th><th>predicted</th></tr>\n");
    for (ClassMetrics c : m.perClass()) {
      boolean absent = c.support() == 0;
      double[] ci = MetricsJson.recallInterval(m, c);
      b.append("<tr><th>").append(Html.esc(c.name())).append("</th><td class=\"n\">")
          .append(Fmt.num(c.precision(), 3)).append("</td><td class=\"n\">")
          .append(absent ? ABSENT : Fmt.num(c.recall(), 3)).append("</td><td class=\"n\">")
          .append(absent ? ABSENT : Fmt.num(ci[0], 3) + " &ndash; " + Fmt.num(ci[1], 3))
          .append("</td><td class=\"n\">").append(absent ? ABSENT : Fmt.num(c.f1(), 3)).append("</td><td class=\"n\">")
          .append(Fmt.count(c.support())).append("</td><td class=\"n\">").append(Fmt.count(c.predicted()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n<p class=\"note\">Recall intervals are Wilson score intervals (95%). A class without "
        + "examples is absent from the data: it has no recall and is left out of macro-F1 and balanced accuracy "
        + "(predictions of it still count as errors).</p>\n");
  }

  private static void history(StringBuilder b, List<HistoryRow> history, ModelImages images) {
    b.append("<h2>Training curves</h2>\n");
    if (images.curves() == null) {
      b.append("<p class=\"note\">").append(NO_HISTORY).append("</p>\n");
      return;
    }
    int best = TrainingCurves.bestEpoch(history);
    HistoryRow last = history.get(history.size() - 1);
    b.append("<p>").append(history.size()).append(" epochs");
    for (HistoryRow r : history) {
      if (r.epoch() == best) {
        b.append("; lowest validation loss ").append(Fmt.num(r.valLoss(), 4)).append(" at epoch ").append(best)
            .append(" (validation accuracy ").append(Fmt.pct(r.valAccuracy())).append(')');
        break;
      }
    }
    b.append("; last epoch ").append(last.epoch()).append(" validation accuracy ")
        .append(Fmt.pct(last.valAccuracy())).append(".</p>\n").append(Html.img(images.curves(), "training curves"))
        .append('\n');
  }
}
