package org.ferspark.evaluation.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.ferspark.evaluation.metrics.Failure;
import org.ferspark.evaluation.metrics.ModelEvaluation;

/**
 * The report's failure gallery: per true class, the misclassified faces the model was most confident about, each
 * face as the model saw it (the normalised gray crop, upscaled ×{@value #SCALE} with nearest neighbour) in its own
 * embedded PNG, captioned with the predicted class, its probability, the file and the face box.
 */
final class FailureGallery {
  static final int SCALE = 2;

  private FailureGallery() {
  }

  /** Appends the section; one {@code <img>} per kept face. */
  static void append(StringBuilder b, ModelEvaluation model) {
    List<String> names = model.plain().classNames();
    List<Failure> failures = model.failures();
    b.append("<h2>Most confident mistakes</h2>\n");
    if (failures.isEmpty()) {
      b.append("<p class=\"note\">no misclassified faces were kept (none, or fer.evaluate.failures-per-class = 0)"
          + "</p>\n");
      return;
    }
    b.append("<p class=\"note\">Per true class, the misclassified faces with the highest probability in their "
        + "wrong class, as the model saw them (normalised gray crop, shown &times;").append(SCALE)
        .append("). Captions give the predicted class, its probability, the file and the face box.</p>\n");
    b.append("<table class=\"failures\"><tr><th>true class</th><th>misclassified faces</th></tr>\n");
    for (int c = 0; c < names.size(); c++) {
      int k = c;
      List<Failure> row = failures.stream().filter(f -> f.trueLabel() == k).toList();
      if (row.isEmpty()) {
        continue;
      }
      b.append("<tr><th>").append(Html.esc(names.get(c))).append("</th><td>");
      for (Failure f : row) {
        b.append("<figure class=\"face\">");
        BufferedImage face = upscaled(f);
        b.append(face == null ? "<span class=\"note\">no pixels</span>"
            : Html.img(ReportIo.png(face), "true " + names.get(f.trueLabel()) + ", predicted "
                + names.get(f.predicted())));
        b.append("<figcaption><b>").append(Html.esc(names.get(f.predicted()))).append("</b> ")
            .append(Fmt.pct1(f.confidence())).append("<br><code>").append(Html.esc(shortName(f))).append("</code>");
        if (f.box() != null) {
          b.append("<br>box ").append(Html.esc(f.box().toString()));
        }
        b.append("</figcaption></figure>");
      }
      b.append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  /** The file name (last path element) of the face's source, else its id. */
  static String shortName(Failure f) {
    String s = f.source() != null ? f.source() : f.id();
    if (s == null) {
      return "";
    }
    int slash = s.lastIndexOf('/');
    return slash >= 0 && slash < s.length() - 1 ? s.substring(slash + 1) : s;
  }

  private static BufferedImage upscaled(Failure f) {
    BufferedImage gray = SampleGallery.gray(f.pixels(), f.side());
    if (gray == null) {
      return null;
    }
    BufferedImage big = new BufferedImage(f.side() * SCALE, f.side() * SCALE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = big.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(gray, 0, 0, big.getWidth(), big.getHeight(), null);
    } finally {
      g.dispose();
    }
    return big;
  }
}
