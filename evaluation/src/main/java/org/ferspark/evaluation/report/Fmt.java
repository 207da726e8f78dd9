package org.ferspark.evaluation.report;

import java.util.Locale;

/** Number formats shared by the report's pages and charts: {@link Locale#ROOT}, and "—" for NaN or infinity. */
final class Fmt {

  /** What a missing value (NaN, e.g. the recall of a class without support) looks like. */
  static final String MISSING = "—";

  private Fmt() {
  }

  /** A fraction as a percentage with two decimals: 0.71234 → {@code 71.23%}. */
  static String pct(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : MISSING;
  }

  /** A fraction as a percentage with one decimal, for table cells: 0.4321 → {@code 43.2%}. */
  static String pct1(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction) : MISSING;
  }

  /** A number with {@code decimals} decimals. */
  static String num(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : MISSING;
  }

  /** A p-value: four decimals, or scientific notation below 0.0001. */
  static String pValue(double p) {
    if (!Double.isFinite(p)) {
      return MISSING;
    }
    return p != 0 && p < 1e-4 ? String.format(Locale.ROOT, "%.2e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  /** A count with thousands separators: 12345 → {@code 12,345}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
