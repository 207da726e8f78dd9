package org.ferspark.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.OneLine;

/**
 * A failure as one line a user can act on: {@code FILE: reason}. Our own errors ({@link InputError},
 * {@link ModelFileException}) already say both and are taken as they are, wherever they sit in the cause chain (an
 * executor's error arrives inside Spark's {@code SparkException}s). Anything else is reduced to the file its
 * messages name (Spark's "Encountered error while reading file ...", Parquet's "... in file ...") and its root
 * cause.
 */
final class FailureMessage {
  private static final Pattern FILE = Pattern.compile(
      "\\b((?:file|hdfs|s3a?|s3n|viewfs|gs|abfss?|wasbs?|webhdfs):/[^\\s,;'\"()\\[\\]]+)");
  private static final int MAX_REASON = 400;

  private FailureMessage() {
  }

  static String of(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      if (t instanceof InputError || t instanceof ModelFileException) {
        return OneLine.of(t.getMessage());
      }
    }
    String file = null;
    for (int i = chain.size() - 1; i >= 0 && file == null; i--) {
      file = fileIn(chain.get(i).getMessage());
    }
    Throwable root = chain.get(chain.size() - 1);
    String reason = reason(root);
    if (reason.isEmpty() && chain.size() > 1) {
      reason = reason(chain.get(chain.size() - 2));
    }
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON) + " ...";
    }
    if (file == null) {
      return reason;
    }
    return file + ": " + reason.replace(file, "this file");
  }

  /**
   * The root cause's message on one line, after its type unless that is a generic one, e.g. {@code EOFException:
   * reached the end of stream}.
   */
  private static String reason(Throwable t) {
    String message = OneLine.of(t.getMessage());
    String type = t.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return type;
    }
    return GENERIC.contains(type) ? message : type + ": " + message;
  }

  private static final java.util.Set<String> GENERIC = java.util.Set.of("RuntimeException", "IOException",
      "Exception", "SparkException", "UncheckedIOException");

  /** The deepest-named file: Hadoop URIs first, then a bare absolute path after "file " or "reading file". */
  static String fileIn(String message) {
    if (message == null) {
      return null;
    }
    Matcher m = FILE.matcher(message);
    if (m.find()) {
      return strip(m.group(1));
    }
    Matcher bare = Pattern.compile("\\bfile (/[^\\s,;'\"()\\[\\]]+)").matcher(message);
    return bare.find() ? strip(bare.group(1)) : null;
  }

  private static String strip(String path) {
    return path.replaceAll("[.:]+$", "");
  }
}
