package org.ferspark.evaluation.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ferspark.evaluation.metrics.Sample;

/**
 * A gallery of scored faces: one row per true class, correctly classified faces on the left (green border),
 * misclassified ones on the right (red border, red caption). Each face is its stored pixels upscaled ×2
 * (nearest neighbour), captioned with the true label, the predicted label and its probability.
 */
final class SampleGallery {

  /** Faces of each kind (correct, wrong) shown per class at most. */
  static final int PER_KIND = 5;
  static final Color CORRECT = new Color(0x1a7f37);
  static final Color WRONG = new Color(0xcf222e);
  private static final int SCALE = 2;
  private static final int LEFT = 112;
  private static final int TOP = 64;
  private static final int GAP = 24;
  private static final int CAPTION = 34;
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  private static final Font HEAD = new Font(Font.SANS_SERIF, Font.BOLD, 13);
  private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private SampleGallery() {
  }

  static BufferedImage render(List<Sample> samples, List<String> names) {
    int side = samples.stream().mapToInt(Sample::side).filter(s -> s > 0 && s <= 256).max().orElse(48);
    int tile = Math.max(side * SCALE, 124) + 16;
    int rowHeight = side * SCALE + 8 + CAPTION + 10;
    int classes = Math.max(names.size(), samples.stream().mapToInt(Sample::trueLabel).max().orElse(-1) + 1);
    int wrongX = LEFT + Math.max(1, slots(samples, classes, true)) * tile + GAP;
    int width = Math.max(wrongX + Math.max(1, slots(samples, classes, false)) * tile + 8, 480);
    BufferedImage image = new BufferedImage(width, TOP + classes * rowHeight + 8,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Draw.canvas(image);
    try {
      g.setColor(Color.BLACK);
      g.setFont(TITLE);
      g.drawString("Sample faces per true class", 8, 24);
      g.setFont(HEAD);
      g.setColor(CORRECT);
      g.drawString("correct", LEFT, TOP - 12);
      g.setColor(WRONG);
      g.drawString("misclassified", wrongX, TOP - 12);
      for (int c = 0; c < classes; c++) {
        int y = TOP + c * rowHeight;
        g.setColor(Color.BLACK);
        g.setFont(HEAD);
        g.drawString(Draw.fit(Draw.name(names, c), g.getFontMetrics(), LEFT - 12), 8, y + side);
        List<Sample> right = new ArrayList<>();
        List<Sample> wrong = new ArrayList<>();
        for (Sample s : samples) {
          if (s.trueLabel() == c) {
            (s.correct() ? right : wrong).add(s);
          }
        }
        row(g, right, names, LEFT, y, tile, side);
        row(g, wrong, names, wrongX, y, tile, side);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Columns needed for the correct (or the wrong) faces: the most any class has, at most {@link #PER_KIND}. */
  private static int slots(List<Sample> samples, int classes, boolean correct) {
    int[] perClass = new int[classes];
    for (Sample s : samples) {
      if (s.correct() == correct && s.trueLabel() >= 0 && s.trueLabel() < classes) {
        perClass[s.trueLabel()]++;
      }
    }
    return Math.min(PER_KIND, Arrays.stream(perClass).max().orElse(0));
  }

  private static void row(Graphics2D g, List<Sample> samples, List<String> names, int x0, int y, int tile,
      int side) {
    if (samples.isEmpty()) {
      g.setColor(new Color(0x8c959f));
      g.setFont(TEXT);
      g.drawString("none", x0 + 4, y + side);
      return;
    }
    for (int i = 0; i < Math.min(PER_KIND, samples.size()); i++) {
      face(g, samples.get(i), names, x0 + i * tile, y, tile, side);
    }
  }

  private static void face(Graphics2D g, Sample s, List<String> names, int x, int y, int tile, int side) {
    int size = side * SCALE;
    int ix = x + (tile - 16 - size) / 2 + 4;
    int border = s.correct() ? 2 : 4;
    g.setColor(s.correct() ? CORRECT : WRONG);
    g.fillRect(ix - border, y + 4 - border, size + 2 * border, size + 2 * border);
    BufferedImage face = gray(s);
    if (face == null) {
      g.setColor(Draw.EMPTY);
      g.fillRect(ix, y + 4, size, size);
    } else {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(face, ix, y + 4, size, size, null);
    }
    g.setFont(TEXT);
    FontMetrics fm = g.getFontMetrics();
    int cx = ix + size / 2;
    g.setColor(Color.BLACK);
    Draw.centred(g, Draw.fit("true " + Draw.name(names, s.trueLabel()), fm, tile - 8), cx, y + size + 20);
    g.setColor(s.correct() ? Color.BLACK : WRONG);
    String predicted = "pred " + Draw.name(names, s.predicted()) + " " + Fmt.pct1(s.confidence());
    Draw.centred(g, Draw.fit(predicted, fm, tile - 8), cx, y + size + 20 + fm.getHeight());
  }

  /** The stored pixels as a gray image, or null when they do not hold side × side bytes. */
  private static BufferedImage gray(Sample s) {
    return gray(s.pixels(), s.side());
  }

  /** {@code side × side} uint8 gray pixels as an image, or null when they are not that many. */
  static BufferedImage gray(byte[] pixels, int side) {
    if (side <= 0 || side > 256 || pixels == null || pixels.length < side * side) {
      return null;
    }
    // RGB with r = g = b: a TYPE_BYTE_GRAY image is linear gray, and Java2D would brighten it when drawing it
    // onto an sRGB canvas
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int[] rgb = new int[side * side];
    for (int i = 0; i < rgb.length; i++) {
      int v = pixels[i] & 0xff;
      rgb[i] = v << 16 | v << 8 | v;
    }
    img.setRGB(0, 0, side, side, rgb, 0, side);
    return img;
  }
}
