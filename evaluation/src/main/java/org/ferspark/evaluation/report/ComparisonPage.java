package org.ferspark.evaluation.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ferspark.evaluation.metrics.ClassMetrics;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.PairTest;

/**
 * The top page when several models were evaluated: their plain scores side by side (best of each row in bold),
 * per-class recall, McNemar's test for every pair, and each model's confusion matrix, with links to the model pages.
 */
final class ComparisonPage {

  /** Significance level of the verdicts. */
  static final double ALPHA = 0.05;

  private ComparisonPage() {
  }

  /** The page; {@code folders.get(i)} is the folder (relative to this page) of model i's page. */
  static String html(EvaluationResult result, List<String> folders, List<ModelImages> images) {
    List<ModelEvaluation> models = result.models();
    StringBuilder b = new StringBuilder();
    b.append("<h1>Model comparison</h1>\n<p class=\"sub\">").append(models.size()).append(" models on the ")
        .append(ModelPage.where(result));
    if (result.datasetFingerprint() != null) {
      b.append(" (fingerprint <code>").append(Html.esc(result.datasetFingerprint())).append("</code>)");
    }
    b.append(", scored in ").append(Fmt.num(result.seconds(), 1)).append(" s</p>\n");
    b.append("<h2>Side by side</h2>\n<table class=\"compare\"><tr><th>metric</th>");
    for (int i = 0; i < models.size(); i++) {
      b.append("<th><a href=\"").append(Html.esc(folders.get(i))).append("/index.html\">")
          .append(Html.esc(models.get(i).name())).append("</a></th>");
    }
    b.append("</tr>\n");
    for (MetricRow row : MetricRow.HEADLINE) {
      List<Double> raw = models.stream().map(m -> row.raw().apply(m.plain())).toList();
      List<String> text = models.stream().map(m -> row.value().apply(m.plain())).toList();
      row(b, Html.esc(row.label()), raw, text, row.higherIsBetter());
    }
    for (String name : classNames(models)) {
      List<Double> raw = models.stream().map(m -> recall(m.plain(), name)).toList();
      row(b, "recall <i>" + Html.esc(name) + "</i>", raw, raw.stream().map(r -> Fmt.num(r, 3)).toList(), true);
    }
    b.append("</table>\n<p class=\"note\">Plain scores (no test-time augmentation); the best value of each row is "
        + "in bold.</p>\n");
    InputsSection.append(b, result.inputs());
    mcNemar(b, result.pairTests());
    b.append("<h2>Confusion matrices</h2>\n<div class=\"row\">\n");
    for (int i = 0; i < models.size(); i++) {
      b.append("<div>").append(Html.img(images.get(i).confusion(), "confusion matrix of " + models.get(i).name()))
          .append("</div>\n");
    }
    b.append("</div>\n");
    return Html.page("Model comparison — fer-spark evaluation", b.toString());
  }

  /** The sentence under a McNemar result, e.g. "a is more accurate than b (p = 0.0031 &lt; 0.05)". */
  static String verdict(PairTest t) {
    if (!Double.isFinite(t.pValue())) {
      return "no test (no examples on which the models disagree)";
    }
    if (t.pValue() >= ALPHA || t.onlyA() == t.onlyB()) {
      return "no significant difference at α = " + ALPHA + " (p = " + Fmt.pValue(t.pValue()) + ")";
    }
    String better = t.onlyA() > t.onlyB() ? t.modelA() : t.modelB();
    String worse = t.onlyA() > t.onlyB() ? t.modelB() : t.modelA();
    return better + " is more accurate than " + worse + " (p = " + Fmt.pValue(t.pValue()) + " < " + ALPHA + ")";
  }

  private static void mcNemar(StringBuilder b, List<PairTest> tests) {
    b.append("<h2>McNemar's test</h2>\n");
    if (tests.isEmpty()) {
      b.append("<p class=\"note\">no pair tests in this result</p>\n");
      return;
    }
    b.append("<table class=\"mcnemar\"><tr><th>model A</th><th>model B</th><th>b: only A right</th>"
        + "<th>c: only B right</th><th>statistic</th><th>p-value</th><th>method</th><th>verdict</th></tr>\n");
    for (PairTest t : tests) {
      b.append("<tr><td>").append(Html.esc(t.modelA())).append("</td><td>").append(Html.esc(t.modelB()))
          .append("</td><td class=\"n\">").append(Fmt.count(t.onlyA())).append("</td><td class=\"n\">")
          .append(Fmt.count(t.onlyB())).append("</td><td class=\"n\">").append(Fmt.num(t.statistic(), 3))
          .append("</td><td class=\"n\">").append(Fmt.pValue(t.pValue())).append("</td><td>")
          .append(Html.esc(t.method())).append("</td><td>").append(Html.esc(verdict(t))).append("</td></tr>\n");
    }
    b.append("</table>\n<p class=\"note\">Both models scored the same examples; b and c count the examples only "
        + "one of them got right. The exact binomial test is used when b + c &lt; 25, else chi-square with "
        + "continuity correction.</p>\n");
  }

  private static void row(StringBuilder b, String label, List<Double> raw, List<String> text, boolean higher) {
    double best = Double.NaN;
    for (double v : raw) {
      if (Double.isFinite(v) && (Double.isNaN(best) || (higher ? v > best : v < best))) {
        best = v;
      }
    }
    b.append("<tr><th>").append(label).append("</th>");
    for (int i = 0; i < raw.size(); i++) {
      boolean bold = raw.size() > 1 && Double.isFinite(best) && raw.get(i) == best;
      b.append("<td class=\"n\">").append(bold ? "<b>" : "").append(text.get(i)).append(bold ? "</b>" : "")
          .append("</td>");
    }
    b.append("</tr>\n");
  }

  private static List<String> classNames(List<ModelEvaluation> models) {
    Set<String> names = new LinkedHashSet<>();
    for (ModelEvaluation m : models) {
      m.plain().perClass().forEach(c -> names.add(c.name()));
    }
    return new ArrayList<>(names);
  }

  private static double recall(Metrics m, String name) {
    return m.perClass().stream().filter(c -> c.name().equals(name)).mapToDouble(ClassMetrics::recall).findFirst()
        .orElse(Double.NaN);
  }
}
