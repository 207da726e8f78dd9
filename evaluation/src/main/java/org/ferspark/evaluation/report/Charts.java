package org.ferspark.evaluation.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.NumberFormat;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;

/** JFreeChart styling shared by the training curves and the reliability diagram: white plots, light grid. */
final class Charts {

  static final Color BLUE = new Color(0x1f77b4);
  static final Color ORANGE = new Color(0xff7f0e);
  static final Color GRAY = new Color(0x6e7781);
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);

  private Charts() {
  }

  /** A chart around a stacked plot, legend at the bottom. */
  static JFreeChart chart(String title, CombinedDomainXYPlot plot) {
    plot.setGap(14);
    JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    return chart;
  }

  /** A panel with a white background and a light grid. */
  static XYPlot style(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xd0d7de));
    plot.setRangeGridlinePaint(new Color(0xd0d7de));
    plot.setDomainGridlinesVisible(true);
    plot.setRangeGridlinesVisible(true);
    plot.setOutlinePaint(new Color(0x8c959f));
    return plot;
  }

  /** A value axis that shows fractions as percentages. */
  static NumberAxis percentAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setNumberFormatOverride(NumberFormat.getPercentInstance(Locale.ROOT));
    return axis;
  }

  /** Lines with small round markers, series in {@code colours} order. */
  static XYLineAndShapeRenderer lines(Color... colours) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < colours.length; i++) {
      r.setSeriesPaint(i, colours[i]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    return r;
  }

  /** Flat bars with an outline, no gradient or shadow. */
  static XYBarRenderer bars(Color fill) {
    XYBarRenderer r = new XYBarRenderer();
    r.setBarPainter(new StandardXYBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(true);
    r.setSeriesPaint(0, fill);
    r.setSeriesOutlinePaint(0, Color.WHITE);
    return r;
  }
}
