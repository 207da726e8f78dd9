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
 */
record ModelImages(byte[] confusion, byte[] curves, byte[] samples, byte[] reliability) {

  static final String CONFUSION = "confusion_matrix.png";
  static final String CURVES = "curves.png";
  static final String SAMPLES = "samples.png";
  static final String RELIABILITY = "reliability.png";

  /** Renders every chart of {@code model} from its plain (no test-time augmentation) scores. */
  static ModelImages render(ModelEvaluation model) {
    Metrics m = model.plain();
    byte[] confusion = ReportIo.png(ConfusionHeatmap.render(m.confusion(), m.classNames(),
        "Confusion matrix — " + model.name()));
    byte[] curves = model.history().isEmpty() ? null
        : ReportIo.png(TrainingCurves.render(model.history(), "Training history — " + model.name()));
    byte[] samples = model.samples().isEmpty() ? null
        : ReportIo.png(SampleGallery.render(model.samples(), m.classNames()));
    byte[] reliability = m.calibration().isEmpty() ? null
        : ReportIo.png(ReliabilityDiagram.render(m.calibration(), m.ece(), "Reliability — " + model.name()));
    return new ModelImages(confusion, curves, samples, reliability);
  }

  /** Writes the charts into {@code dir}, removing the file of a chart this model does not have. */
  void write(Path dir) throws IOException {
    put(dir.resolve(CONFUSION), confusion);
    put(dir.resolve(CURVES), curves);
    put(dir.resolve(SAMPLES), samples);
    put(dir.resolve(RELIABILITY), reliability);
  }

  private static void put(Path file, byte[] png) throws IOException {
    if (png == null) {
      Files.deleteIfExists(file);
    } else {
      ReportIo.write(file, png);
    }
  }
}
