package org.ferspark.evaluation.report;

import java.awt.BasicStroke;
import java.awt.image.BufferedImage;
import java.util.List;
import org.ferspark.model.train.HistoryRow;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training and validation loss (top panel) and accuracy (bottom panel) per epoch, from a model's training history;
 * the epoch with the lowest validation loss (the one {@code model.zip} keeps) is marked. Missing values (a skipped
 * training-accuracy pass) are left out of their line.
 */
final class TrainingCurves {

  static final int WIDTH = 900;
  static final int HEIGHT = 640;

  private TrainingCurves() {
  }

  static BufferedImage render(List<HistoryRow> history, String title) {
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
    plot.add(panel(history, "loss", new NumberAxis("loss"), true), 1);
    plot.add(panel(history, "accuracy", Charts.percentAxis("accuracy"), false), 1);
    return Charts.chart(title, plot).createBufferedImage(WIDTH, HEIGHT);
  }

  /** The epoch with the lowest finite validation loss, or -1. */
  static int bestEpoch(List<HistoryRow> history) {
    int best = -1;
    double min = Double.POSITIVE_INFINITY;
    for (HistoryRow r : history) {
      if (Double.isFinite(r.valLoss()) && r.valLoss() < min) {
        min = r.valLoss();
        best = r.epoch();
      }
    }
    return best;
  }

  private static XYPlot panel(List<HistoryRow> history, String what, NumberAxis axis, boolean loss) {
    XYSeries train = new XYSeries("training " + what);
    XYSeries val = new XYSeries("validation " + what);
    for (HistoryRow r : history) {
      add(train, r.epoch(), loss ? r.trainLoss() : r.trainAccuracy());
      add(val, r.epoch(), loss ? r.valLoss() : r.valAccuracy());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(train);
    data.addSeries(val);
    axis.setAutoRangeIncludesZero(false);
    XYPlot plot = Charts.style(new XYPlot(data, null, axis, Charts.lines(Charts.BLUE, Charts.ORANGE)));
    int best = bestEpoch(history);
    if (best >= 0) {
      ValueMarker marker = new ValueMarker(best, Charts.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
      if (loss) {
        marker.setLabel("best epoch " + best);
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      }
      plot.addDomainMarker(marker);
    }
    return plot;
  }

  private static void add(XYSeries series, int epoch, double v) {
    if (Double.isFinite(v)) {
      series.add(epoch, v);
    }
  }
}
