package org.ferspark.evaluation.report;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** Small Java2D helpers shared by the heatmap and the gallery: canvas, fitted text, the colour scale. */
final class Draw {

  /** The sequential colour scale of the confusion matrix, low to high (ColorBrewer "Blues"). */
  private static final Color[] SCALE = {new Color(0xf7fbff), new Color(0xc6dbef), new Color(0x6baed6),
      new Color(0x2171b5), new Color(0x08306b)};
  /** Cells of a row with no examples. */
  static final Color EMPTY = new Color(0xe6e6e6);

  private Draw() {
  }

  /** A white RGB canvas with antialiased text; the caller disposes the graphics. */
  static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    return g;
  }

  /** The colour of a value in [0, 1] (clamped; NaN gives {@link #EMPTY}). */
  static Color scale(double v) {
    if (!Double.isFinite(v)) {
      return EMPTY;
    }
    double x = Math.max(0, Math.min(1, v)) * (SCALE.length - 1);
    int i = Math.min((int) x, SCALE.length - 2);
    double t = x - i;
    Color a = SCALE[i];
    Color b = SCALE[i + 1];
    return new Color(mix(a.getRed(), b.getRed(), t), mix(a.getGreen(), b.getGreen(), t),
        mix(a.getBlue(), b.getBlue(), t));
  }

  /** Text colour readable on {@link #scale}{@code (v)}. */
  static Color textOn(double v) {
    return Double.isFinite(v) && v > 0.55 ? Color.WHITE : new Color(0x1b1f24);
  }

  /** A colour as CSS hex, e.g. {@code #08306b}. */
  static String css(Color c) {
    return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }

  /** {@code s} cut with an ellipsis so that it fits {@code width} pixels. */
  static String fit(String s, FontMetrics fm, int width) {
    if (fm.stringWidth(s) <= width) {
      return s;
    }
    String cut = s;
    while (!cut.isEmpty() && fm.stringWidth(cut + "…") > width) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "…";
  }

  /** Draws {@code s} centred horizontally on {@code cx} with its baseline at {@code y}. */
  static void centred(Graphics2D g, String s, int cx, int y) {
    g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, y);
  }

  /** The class name for an index, or {@code #i} when the label order does not have it. */
  static String name(List<String> names, int i) {
    return i >= 0 && i < names.size() ? names.get(i) : "#" + i;
  }

  private static int mix(int a, int b, double t) {
    return (int) Math.round(a + (b - a) * t);
  }
}
