package org.ferspark.evaluation.report;

import java.util.List;
import java.util.Map;
import org.ferspark.evaluation.images.FaceStatus;
import org.ferspark.evaluation.images.InputSummary;

/**
 * The report's account of a photo folder's inputs: how many photos got each status (they add up to the inputs),
 * the reason codes of the unreadable ones, a few examples per status, and the face detector's results (photos
 * searched, faces found per photo, photos taken whole, sides of the faces scored).
 */
final class InputsSection {

  private InputsSection() {
  }

  /** Appends the section; nothing for a result of preprocessed tensors. */
  static void append(StringBuilder b, InputSummary in) {
    if (in == null) {
      return;
    }
    b.append("<h2>Inputs</h2>\n<p>").append(Fmt.count(in.total())).append(" photos, ")
        .append(Fmt.count(in.scored())).append(" faces scored. Every photo gets one status; the statuses add up to "
            + "the photos.</p>\n");
    b.append("<table class=\"inputs\"><tr><th>status</th><th>photos</th><th>share</th><th>meaning</th></tr>\n");
    for (FaceStatus s : FaceStatus.values()) {
      long n = in.byStatus().getOrDefault(s.key(), 0L);
      b.append("<tr><th>").append(s.key()).append("</th><td class=\"n\">").append(Fmt.count(n))
          .append("</td><td class=\"n\">").append(in.total() == 0 ? Fmt.MISSING : Fmt.pct1((double) n / in.total()))
          .append("</td><td class=\"note\">").append(Html.esc(meaning(s))).append("</td></tr>\n");
    }
    b.append("<tr><th>all</th><td class=\"n\">").append(Fmt.count(in.total())).append("</td><td></td><td></td></tr>\n")
        .append("</table>\n");
    if (!in.unreadableByReason().isEmpty()) {
      b.append("<h3>Unreadable photos by reason</h3>\n<table><tr><th>reason</th><th>photos</th></tr>\n");
      in.unreadableByReason().forEach((reason, n) -> b.append("<tr><td><code>").append(Html.esc(reason))
          .append("</code></td><td class=\"n\">").append(Fmt.count(n)).append("</td></tr>\n"));
      b.append("</table>\n");
    }
    if (!in.examples().isEmpty()) {
      b.append("<h3>Examples</h3>\n<table class=\"examples\"><tr><th>status</th><th>photo</th><th>why</th></tr>\n");
      for (Map.Entry<String, List<InputSummary.Example>> e : in.examples().entrySet()) {
        for (InputSummary.Example x : e.getValue()) {
          b.append("<tr><td>").append(Html.esc(e.getKey())).append("</td><td><code>").append(Html.esc(x.id()))
              .append("</code></td><td>").append(Html.esc(x.detail())).append("</td></tr>\n");
        }
      }
      b.append("</table>\n");
    }
    detector(b, in);
  }

  private static void detector(StringBuilder b, InputSummary in) {
    InputSummary.Detector d = in.detector();
    b.append("<h2>Face detector</h2>\n<p>");
    in.settings().forEach((k, v) -> b.append("<code>").append(Html.esc(k)).append("</code> = ")
        .append(Html.esc(v)).append("; "));
    b.append("</p>\n<table class=\"detector\"><tr><th>photos searched</th><td class=\"n\">")
        .append(Fmt.count(d.searched())).append("</td></tr>\n");
    d.facesFound().forEach((k, n) -> b.append("<tr><th>&nbsp;&nbsp;with ").append(Html.esc(k))
        .append(k.equals("1") ? " face" : " faces").append("</th><td class=\"n\">").append(Fmt.count(n))
        .append("</td></tr>\n"));
    b.append("<tr><th>several faces, largest scored</th><td class=\"n\">").append(Fmt.count(d.largestOfSeveral()))
        .append("</td></tr>\n<tr><th>photos taken whole as the face</th><td class=\"n\">")
        .append(Fmt.count(d.wholeImages())).append("</td></tr>\n</table>\n");
    b.append("<h3>Sides of the faces scored (pixels in the photo)</h3>\n<p>");
    if (d.sideMin() < 0) {
      b.append("no face scored</p>\n");
      return;
    }
    b.append("min ").append(d.sideMin()).append(", mean ").append(Fmt.num(d.sideMean(), 1)).append(", max ")
        .append(d.sideMax()).append("</p>\n<table class=\"sides\"><tr><th>side</th>");
    for (InputSummary.SideBin bin : d.sides()) {
      b.append("<th>").append(bin.upper() < 0 ? "&ge; " + bin.lower() : bin.lower() + "&ndash;" + (bin.upper() - 1))
          .append("</th>");
    }
    b.append("</tr>\n<tr><th>faces</th>");
    for (InputSummary.SideBin bin : d.sides()) {
      b.append("<td class=\"n\">").append(Fmt.count(bin.count())).append("</td>");
    }
    b.append("</tr>\n</table>\n");
  }

  static String meaning(FaceStatus s) {
    return switch (s) {
      case OK -> "a face was found (or the photo taken whole as the face) and scored";
      case NO_FACE -> "the detector found no face";
      case SEVERAL_FACES -> "several large enough faces and the policy is reject";
      case FACE_TOO_SMALL -> "the face is smaller than min-face";
      case UNREADABLE -> "the file could not be read or decoded (reason below)";
      case UNKNOWN_LABEL -> "not in a label folder, or a class some model cannot predict";
    };
  }
}
