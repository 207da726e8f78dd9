package org.ferspark.preprocessing.io;

/** Folds a message onto one line: parsers (Jackson, HOCON, Parquet) put newlines and source excerpts in theirs. */
public final class OneLine {
  private OneLine() {
  }

  /** {@code text} with every run of line breaks (and the indentation after them) replaced by one space. */
  public static String of(String text) {
    return text == null ? null : text.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
