package org.ferspark.evaluation.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The confusion matrix as an annotated heatmap: rows are true classes, columns predicted ones; each cell shows the
 * count and its share of the row, and is coloured by that share (so rare classes stay readable).
 */
final class ConfusionHeatmap {

  static final int CELL = 76;
  private static final int TOP = 58;
  private static final int RIGHT = 24;
  private static final int BOTTOM = 62;
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final Font AXIS = new Font(Font.SANS_SERIF, Font.BOLD, 13);
  private static final Font COUNT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font SHARE = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  private ConfusionHeatmap() {
  }

  /** Row-normalised shares, {@code NaN} for every cell of a row without examples. */
  static double[][] rowShares(long[][] confusion) {
    double[][] shares = new double[confusion.length][];
    for (int t = 0; t < confusion.length; t++) {
      long sum = 0;
      for (long c : confusion[t]) {
        sum += c;
      }
      shares[t] = new double[confusion[t].length];
      for (int p = 0; p < confusion[t].length; p++) {
        shares[t][p] = sum == 0 ? Double.NaN : (double) confusion[t][p] / sum;
      }
    }
    return shares;
  }

  static BufferedImage render(long[][] confusion, List<String> names, String title) {
    int n = confusion.length;
    double[][] shares = rowShares(confusion);
    int labelWidth = 0;
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    FontMetrics lfm = pg.getFontMetrics(LABEL);
    for (int i = 0; i < n; i++) {
      labelWidth = Math.max(labelWidth, lfm.stringWidth(Draw.name(names, i)));
    }
    pg.dispose();
    int left = Math.min(labelWidth, 160) + 44;
    int width = Math.max(left + n * CELL + RIGHT, 420);
    BufferedImage image = new BufferedImage(width, TOP + n * CELL + BOTTOM, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Draw.canvas(image);
    try {
      g.setColor(Color.BLACK);
      g.setFont(TITLE);
      Draw.centred(g, Draw.fit(title, g.getFontMetrics(), width - 16), width / 2, 26);
      for (int t = 0; t < n; t++) {
        for (int p = 0; p < n; p++) {
          cell(g, left + p * CELL, TOP + t * CELL, confusion[t][p], shares[t][p]);
        }
      }
      g.setColor(new Color(0x8c959f));
      g.setStroke(new BasicStroke(1f));
      g.drawRect(left, TOP, n * CELL, n * CELL);
      labels(g, names, n, left);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void cell(Graphics2D g, int x, int y, long count, double share) {
    g.setColor(Draw.scale(share));
    g.fillRect(x, y, CELL, CELL);
    g.setColor(Color.WHITE);
    g.drawRect(x, y, CELL, CELL);
    g.setColor(Draw.textOn(share));
    g.setFont(COUNT);
    Draw.centred(g, Fmt.count(count), x + CELL / 2, y + CELL / 2 - 2);
    g.setFont(SHARE);
    Draw.centred(g, Fmt.pct1(share), x + CELL / 2, y + CELL / 2 + 16);
  }

  private static void labels(Graphics2D g, List<String> names, int n, int left) {
    g.setColor(Color.BLACK);
    g.setFont(LABEL);
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i < n; i++) {
      String row = Draw.fit(Draw.name(names, i), fm, left - 44);
      g.drawString(row, left - 8 - fm.stringWidth(row), TOP + i * CELL + CELL / 2 + fm.getAscent() / 2 - 1);
      Draw.centred(g, Draw.fit(Draw.name(names, i), fm, CELL - 4), left + i * CELL + CELL / 2,
          TOP + n * CELL + 18);
    }
    g.setFont(AXIS);
    Draw.centred(g, "predicted", left + n * CELL / 2, TOP + n * CELL + 44);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    Draw.centred(g, "true", -(TOP + n * CELL / 2), 20);
    g.setTransform(saved);
  }
}
