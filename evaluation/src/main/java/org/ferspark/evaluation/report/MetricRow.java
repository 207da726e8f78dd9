package org.ferspark.evaluation.report;

import java.util.List;
import java.util.function.Function;
import org.ferspark.evaluation.metrics.Metrics;

/**
 * One row of a metrics table: its label, a short explanation, and how to format it from a {@link Metrics}.
 *
 * @param label what the page calls the metric
 * @param help one line on what it means
 * @param value the formatted value
 * @param higherIsBetter whether the comparison marks the largest (true) or the smallest (false) value as best
 * @param raw the unformatted value, for finding the best model
 */
record MetricRow(String label, String help, Function<Metrics, String> value, boolean higherIsBetter,
    Function<Metrics, Double> raw) {

  /** The headline metrics, in page order. */
  static final List<MetricRow> HEADLINE = List.of(
      new MetricRow("accuracy", "top-1, share of examples classified correctly", m -> Fmt.pct(m.accuracy()), true,
          Metrics::accuracy),
      new MetricRow("top-2 accuracy", "true class among the two most probable", m -> Fmt.pct(m.top2Accuracy()),
          true, Metrics::top2Accuracy),
      new MetricRow("macro-F1", "mean F1 over classes with examples", m -> Fmt.num(m.macroF1(), 4), true,
          Metrics::macroF1),
      new MetricRow("balanced accuracy", "mean recall over classes with examples",
          m -> Fmt.pct(m.balancedAccuracy()), true, Metrics::balancedAccuracy),
      new MetricRow("ECE", "expected calibration error (lower is better)", m -> Fmt.num(m.ece(), 4), false,
          Metrics::ece),
      new MetricRow("mean loss", "cross-entropy of the true class, natural log (lower is better)",
          m -> Fmt.num(m.meanLoss(), 4), false, Metrics::meanLoss),
      new MetricRow("examples", "examples scored", m -> Fmt.count(m.examples()), true, m -> Double.NaN));
}
