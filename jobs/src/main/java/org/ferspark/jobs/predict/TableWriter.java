package org.ferspark.jobs.predict;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.ferspark.model.calibrate.MinConfidence;

/**
 * An aligned text table, one row per face: path, (with detection) box, label, confidence, then one column per
 * class in the model's order — or with {@code --top K} the K most probable classes as {@code name p}. Columns are
 * sized before the first row from the input paths and class names, so rows are printed as they are classified.
 * An image without a face is a row saying {@code no face found}.
 */
public final class TableWriter extends PredictionWriter {
  private static final String GAP = "  ";
  private static final int BOX_WIDTH = 20;
  private int pathWidth;
  private int labelWidth;

  public TableWriter(PrintWriter out, PrintWriter err, boolean detection, int top) {
    super(out, err, detection, top);
  }

  @Override
  public void start(List<String> names, int widestPath) {
    super.start(names, widestPath);
    pathWidth = Math.max("path".length(), widestPath);
    labelWidth = uncertain ? MinConfidence.UNCERTAIN.length() : "label".length();
    for (String n : names) {
      labelWidth = Math.max(labelWidth, n.length());
    }
    StringBuilder h = new StringBuilder(pad("path", pathWidth));
    if (detection) {
      h.append(GAP).append(pad("box", BOX_WIDTH));
    }
    h.append(GAP).append(pad("label", labelWidth)).append(GAP).append("confidence");
    if (topOnly()) {
      h.append(GAP).append("top ").append(top());
    } else {
      for (String n : names) {
        h.append(GAP).append(padLeft(n, columnWidth(n)));
      }
    }
    out.println(h.toString().stripTrailing());
  }

  @Override
  public void write(Prediction p) {
    StringBuilder row = new StringBuilder(pad(p.path(), pathWidth));
    if (detection) {
      row.append(GAP).append(pad(p.hasFace() ? p.box().toString() : "-", BOX_WIDTH));
    }
    if (!p.hasFace()) {
      out.println(row.append(GAP).append("no face found"));
      return;
    }
    row.append(GAP).append(pad(p.label(), labelWidth)).append(GAP).append(padLeft(number(p.confidence()), 10));
    float[] probabilities = p.probabilities();
    for (int i : shown(probabilities)) {
      String name = classNames.get(i);
      if (topOnly()) {
        row.append(GAP).append(pad(name, labelWidth)).append(' ').append(number(probabilities[i]));
      } else {
        row.append(GAP).append(padLeft(number(probabilities[i]), columnWidth(name)));
      }
    }
    out.println(row);
  }

  private static int columnWidth(String className) {
    return Math.max(5, className.length());
  }

  private static String number(float p) {
    return String.format(Locale.ROOT, "%.3f", p);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }
}
