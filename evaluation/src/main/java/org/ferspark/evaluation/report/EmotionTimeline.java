package org.ferspark.evaluation.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;

/**
 * The share of each emotion over time in a video: one stacked-area panel per face track (and one for all faces),
 * time on the shared x axis, the shares of each time bin stacking to 100 % where the track was seen (0 elsewhere).
 * Styled like the evaluation report's charts ({@link Charts}).
 */
public final class EmotionTimeline {
  static final int WIDTH = 1000;
  /** Colours per class in label order (angry, disgust, fear, happy, sad, surprise, neutral, contempt). */
  private static final Color[] COLOURS = {new Color(0xd62728), new Color(0x8c564b), new Color(0x9467bd),
      new Color(0x2ca02c), new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x7f7f7f), new Color(0xbcbd22)};

  /** One panel: a name and, per time bin, the share of each class (rows: bins, columns: classes). */
  public record Panel(String name, double[][] shares) {
  }

  private EmotionTimeline() {
  }

  /** The chart as an image: {@code binSeconds} per bin, one panel per entry of {@code panels}. */
  public static BufferedImage render(String title, List<String> classes, double binSeconds, List<Panel> panels) {
    NumberAxis time = new NumberAxis("time (s)");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
    for (int k = 0; k < panels.size(); k++) {
      Panel p = panels.get(k);
      DefaultTableXYDataset data = new DefaultTableXYDataset();
      for (int c = 0; c < classes.size(); c++) {
        XYSeries s = new XYSeries(classes.get(c), false, false);
        for (int b = 0; b < p.shares().length; b++) {
          s.add(b * binSeconds, p.shares()[b][c]);
        }
        data.addSeries(s);
      }
      NumberAxis share = Charts.percentAxis(p.name());
      share.setRange(0, 1);
      StackedXYAreaRenderer2 r = new StackedXYAreaRenderer2();
      for (int c = 0; c < classes.size(); c++) {
        r.setSeriesPaint(c, COLOURS[c % COLOURS.length]);
        r.setSeriesVisibleInLegend(c, k == 0);
      }
      XYPlot panel = Charts.style(new XYPlot(data, null, share, r));
      plot.add(panel, 1);
    }
    int height = 140 + 150 * panels.size();
    return Charts.chart(title, plot).createBufferedImage(WIDTH, height);
  }
}
