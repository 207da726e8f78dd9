package org.ferspark.evaluation.report;

import java.awt.BasicStroke;
import java.awt.image.BufferedImage;
import java.util.List;
import org.ferspark.evaluation.metrics.CalibrationBin;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The reliability diagram: accuracy of each confidence bin against the diagonal of perfect calibration (top),
 * and how many examples fall in each bin (bottom); the expected calibration error is in the title.
 */
final class ReliabilityDiagram {

  static final int WIDTH = 720;
  static final int HEIGHT = 720;

  private ReliabilityDiagram() {
  }

  static BufferedImage render(List<CalibrationBin> bins, double ece, String title) {
    NumberAxis confidence = new NumberAxis("confidence (probability of the predicted class)");
    confidence.setRange(0, 1);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(confidence);
    plot.add(accuracyPanel(bins), 3);
    plot.add(countPanel(bins), 1);
    return Charts.chart(title + " — ECE " + Fmt.num(ece, 4), plot).createBufferedImage(WIDTH, HEIGHT);
  }

  private static XYPlot accuracyPanel(List<CalibrationBin> bins) {
    XYIntervalSeries accuracy = new XYIntervalSeries("accuracy in bin");
    for (CalibrationBin b : bins) {
      if (b.count() > 0 && Double.isFinite(b.accuracy())) {
        accuracy.add((b.lower() + b.upper()) / 2, b.lower(), b.upper(), b.accuracy(), 0, b.accuracy());
      }
    }
    XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
    bars.addSeries(accuracy);
    NumberAxis axis = Charts.percentAxis("accuracy");
    axis.setRange(0, 1);
    XYPlot plot = Charts.style(new XYPlot(bars, null, axis, Charts.bars(Charts.BLUE)));

    XYSeries diagonal = new XYSeries("perfect calibration");
    diagonal.add(0, 0);
    diagonal.add(1, 1);
    XYSeries mean = new XYSeries("mean confidence in bin");
    for (CalibrationBin b : bins) {
      if (b.count() > 0 && Double.isFinite(b.meanConfidence()) && Double.isFinite(b.accuracy())) {
        mean.add(b.meanConfidence(), b.accuracy());
      }
    }
    XYSeriesCollection lines = new XYSeriesCollection();
    lines.addSeries(diagonal);
    lines.addSeries(mean);
    XYLineAndShapeRenderer r = Charts.lines(Charts.GRAY, Charts.ORANGE);
    r.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {6f, 4f}, 0f));
    r.setSeriesShapesVisible(0, false);
    r.setSeriesLinesVisible(1, false);
    plot.setDataset(1, lines);
    plot.setRenderer(1, r);
    plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
    return plot;
  }

  private static XYPlot countPanel(List<CalibrationBin> bins) {
    XYIntervalSeries counts = new XYIntervalSeries("examples in bin");
    for (CalibrationBin b : bins) {
      counts.add((b.lower() + b.upper()) / 2, b.lower(), b.upper(), b.count(), 0, b.count());
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(counts);
    NumberAxis axis = new NumberAxis("examples");
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return Charts.style(new XYPlot(data, null, axis, Charts.bars(Charts.GRAY)));
  }
}
