package org.ferspark.evaluation.report;

import java.util.List;

/** The confusion matrix as an HTML table, coloured like the heatmap, with row and column totals. */
final class ConfusionTable {

  private ConfusionTable() {
  }

  static void append(StringBuilder b, long[][] confusion, List<String> names) {
    int n = confusion.length;
    double[][] shares = ConfusionHeatmap.rowShares(confusion);
    b.append("<table class=\"cm\"><tr><th>true &darr; / predicted &rarr;</th>");
    for (int p = 0; p < n; p++) {
      b.append("<th>").append(Html.esc(Draw.name(names, p))).append("</th>");
    }
    b.append("<th>total</th></tr>\n");
    long[] columns = new long[n];
    for (int t = 0; t < n; t++) {
      b.append("<tr><th>").append(Html.esc(Draw.name(names, t))).append("</th>");
      long row = 0;
      for (int p = 0; p < n; p++) {
        long c = p < confusion[t].length ? confusion[t][p] : 0;
        double share = p < shares[t].length ? shares[t][p] : Double.NaN;
        row += c;
        columns[p] += c;
        b.append("<td style=\"background:").append(Draw.css(Draw.scale(share))).append(";color:")
            .append(Draw.css(Draw.textOn(share))).append(t == p ? ";font-weight:600" : "").append("\">")
            .append(Fmt.count(c)).append("<small>").append(Fmt.pct1(share)).append("</small></td>");
      }
      b.append("<td class=\"n\">").append(Fmt.count(row)).append("</td></tr>\n");
    }
    b.append("<tr><th>total</th>");
    long all = 0;
    for (long c : columns) {
      all += c;
      b.append("<td class=\"n\">").append(Fmt.count(c)).append("</td>");
    }
    b.append("<td class=\"n\">").append(Fmt.count(all)).append("</td></tr>\n</table>\n");
  }
}
