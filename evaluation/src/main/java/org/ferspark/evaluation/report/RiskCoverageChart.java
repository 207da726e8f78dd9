package org.ferspark.evaluation.report;

import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import org.ferspark.evaluation.metrics.RiskCoverage;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Accuracy against coverage: one point per confidence threshold (steps of 1/1000), the faces below it set aside as
 * uncertain; the report's table thresholds are marked, and the run's {@code --min-confidence} when given.
 */
final class RiskCoverageChart {

  static final int WIDTH = 720;
  static final int HEIGHT = 520;

  private RiskCoverageChart() {
  }

  static BufferedImage render(RiskCoverage rc, String title) {
    XYSeries curve = new XYSeries("accuracy of the faces kept", false, true);
    for (RiskCoverage.Point p : rc.curve()) {
      if (p.covered() > 0) {
        curve.addOrUpdate(p.coverage(), p.accuracy());
      }
    }
    XYSeries table = new XYSeries("thresholds " + RiskCoverage.TABLE.subList(1, RiskCoverage.TABLE.size()), false,
        true);
    for (RiskCoverage.Point p : rc.table()) {
      if (p.covered() > 0) {
        table.addOrUpdate(p.coverage(), p.accuracy());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(curve);
    data.addSeries(table);
    RiskCoverage.Point min = rc.atMinConfidence();
    if (min != null && min.covered() > 0) {
      XYSeries chosen = new XYSeries("--min-confidence " + Fmt.num(min.threshold(), 3));
      chosen.add(min.coverage(), min.accuracy());
      data.addSeries(chosen);
    }
    NumberAxis coverage = Charts.percentAxis("coverage (share of faces not labelled uncertain)");
    coverage.setRange(0, 1);
    NumberAxis accuracy = Charts.percentAxis("accuracy of the faces kept");
    accuracy.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer r = Charts.lines(Charts.BLUE, Charts.GRAY, Charts.ORANGE);
    r.setSeriesShapesVisible(0, false);
    r.setSeriesLinesVisible(1, false);
    r.setSeriesLinesVisible(2, false);
    r.setSeriesShape(2, new Ellipse2D.Double(-6, -6, 12, 12));
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(coverage);
    plot.add(Charts.style(new XYPlot(data, null, accuracy, r)), 1);
    return Charts.chart(title, plot).createBufferedImage(WIDTH, HEIGHT);
  }
}
