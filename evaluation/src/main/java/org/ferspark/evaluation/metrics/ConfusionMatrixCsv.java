package org.ferspark.evaluation.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the confusion matrix as two CSV tables any reader takes (pandas, DuckDB, a spreadsheet):
 * {@value #COUNTS} with the counts, and {@value #NORMALIZED} with each row divided by the class's support (a row
 * without support is left empty). Header row {@code true\predicted,<class>,...}; each row starts with the true
 * class; label order.
 */
public final class ConfusionMatrixCsv {
  public static final String COUNTS = "confusion_matrix.csv";
  public static final String NORMALIZED = "confusion_matrix_normalized.csv";

  private ConfusionMatrixCsv() {
  }

  /** Writes both files into {@code dir}. */
  public static void write(Metrics m, Path dir) throws IOException {
    MetricsJson.write(dir.resolve(COUNTS), counts(m).getBytes(StandardCharsets.UTF_8));
    MetricsJson.write(dir.resolve(NORMALIZED), normalized(m).getBytes(StandardCharsets.UTF_8));
  }

  static String counts(Metrics m) {
    StringBuilder sb = header(m.classNames());
    for (int t = 0; t < m.confusion().length; t++) {
      sb.append(m.classNames().get(t));
      for (long v : m.confusion()[t]) {
        sb.append(',').append(v);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String normalized(Metrics m) {
    StringBuilder sb = header(m.classNames());
    for (int t = 0; t < m.confusion().length; t++) {
      long support = 0;
      for (long v : m.confusion()[t]) {
        support += v;
      }
      sb.append(m.classNames().get(t));
      for (long v : m.confusion()[t]) {
        sb.append(',');
        if (support > 0) {
          sb.append(String.format(Locale.ROOT, "%.6f", (double) v / support));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static StringBuilder header(List<String> names) {
    StringBuilder sb = new StringBuilder("true\\predicted");
    for (String n : names) {
      sb.append(',').append(n);
    }
    return sb.append('\n');
  }
}
