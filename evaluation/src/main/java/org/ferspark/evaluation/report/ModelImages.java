package org.ferspark.evaluation.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.metrics.ModelEvaluation;

/**
 * The PNG charts of one model, encoded once: written as files and embedded in the page as data: URIs.
 * A chart without data (no training history, no samples, no calibration bins) is null and has no file.
 *
 * @param confusion {@value #CONFUSION}
 * @param curves {@value #CURVES}, or null without a training history
 * @param samples {@value #SAMPLES}, or null without samples
 * @param reliability {@value #RELIABILITY}, or null without calibration bins
 * @param reliabilityUncalibrated {@value #RELIABILITY_UNCALIBRATED}: the reliability diagram before calibration
 *     (T = 1), or null for a model whose temperature is 1
 * @param riskCoverage {@value #RISK_COVERAGE}: accuracy against coverage, or null without a curve
 */
record ModelImages(byte[] confusion, byte[] curves, byte[] samples, byte[] reliability,
    byte[] reliabilityUncalibrated, byte[] riskCoverage) {

  static final String CONFUSION = "confusion_matrix.png";
  static final String CURVES = "curves.png";
  static final String SAMPLES = "samples.png";
  static final String RELIABILITY = "reliability.png";
  static final String RELIABILITY_UNCALIBRATED = "reliability_uncalibrated.png";
  static final String RISK_COVERAGE = "risk_coverage.png";
  /** Every chart file a model folder can hold. */
  static final java.util.List<String> FILES = java.util.List.of(CONFUSION, CURVES, SAMPLES, RELIABILITY,
      RELIABILITY_UNCALIBRATED, RISK_COVERAGE);

  /** Renders every chart of {@code model} from its plain (no test-time augmentation) scores. */
  static ModelImages render(ModelEvaluation model) {
    Metrics m = model.plain();
    byte[] confusion = ReportIo.png(ConfusionHeatmap.render(m.confusion(), m.classNames(),
        "Confusion matrix — " + model.name()));
    byte[] curves = model.history().isEmpty() ? null
        : ReportIo.png(TrainingCurves.render(model.history(), "Training history — " + model.name()));
    byte[] samples = model.samples().isEmpty() ? null
        : ReportIo.png(SampleGallery.render(model.samples(), m.classNames()));
    Metrics before = model.uncalibrated();
    String title = before == null ? "Reliability — " + model.name()
        : "Calibrated (T = " + Fmt.num(model.temperature(), 3) + ") — " + model.name();
    byte[] reliability = m.calibration().isEmpty() ? null
        : ReportIo.png(ReliabilityDiagram.render(m.calibration(), m.ece(), title));
    byte[] uncalibrated = before == null || before.calibration().isEmpty() ? null
        : ReportIo.png(ReliabilityDiagram.render(before.calibration(), before.ece(),
            "Before calibration (T = 1) — " + model.name()));
    byte[] risk = m.riskCoverage() == null || m.riskCoverage().examples() == 0 ? null
        : ReportIo.png(RiskCoverageChart.render(m.riskCoverage(), "Accuracy vs coverage — " + model.name()));
    return new ModelImages(confusion, curves, samples, reliability, uncalibrated, risk);
  }

  /** Writes the charts into {@code dir}, removing the file of a chart this model does not have. */
  void write(Path dir) throws IOException {
    put(dir.resolve(CONFUSION), confusion);
    put(dir.resolve(CURVES), curves);
    put(dir.resolve(SAMPLES), samples);
    put(dir.resolve(RELIABILITY), reliability);
    put(dir.resolve(RELIABILITY_UNCALIBRATED), reliabilityUncalibrated);
    put(dir.resolve(RISK_COVERAGE), riskCoverage);
  }

  private static void put(Path file, byte[] png) throws IOException {
    if (png == null) {
      Files.deleteIfExists(file);
    } else {
      ReportIo.write(file, png);
    }
  }
}
