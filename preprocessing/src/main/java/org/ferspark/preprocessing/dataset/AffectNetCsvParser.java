package org.ferspark.preprocessing.dataset;

import java.util.List;
import java.util.Optional;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Parses rows of AffectNet's {@code training.csv} / {@code validation.csv}
 * ({@code subDirectory_filePath, face_x, face_y, face_width, face_height, facial_landmarks, expression, valence,
 * arousal}).
 *
 * <p>Expression codes 0–6 map to the seven emotions; 7 (contempt) is kept only for 8-class label sets; 8 None,
 * 9 Uncertain and 10 No-Face are excluded with their own reason codes, so they are counted, not lost.
 */
public final class AffectNetCsvParser implements CsvRowParser {
  private static final long serialVersionUID = 1L;
  public static final List<String> REQUIRED =
      List.of("subDirectory_filePath", "face_x", "face_y", "face_width", "face_height", "expression");

  private final String fileName;
  private final String imagesRoot;
  private final String split;
  private final String pool;
  private final int classes;
  private final int path;
  private final int x;
  private final int y;
  private final int w;
  private final int h;
  private final int expression;
  private final int needed;

  /**
   * @param imagesRoot URI of the directory {@code subDirectory_filePath} is relative to (no trailing slash)
   * @param split fixed split for every row, or {@code null} to assign from {@code pool}
   */
  public AffectNetCsvParser(CsvHeader header, String imagesRoot, String split, String pool, int classes) {
    this.fileName = header.file();
    this.imagesRoot = imagesRoot.endsWith("/") ? imagesRoot.substring(0, imagesRoot.length() - 1) : imagesRoot;
    this.split = split;
    this.pool = pool;
    this.classes = classes;
    this.path = header.position("subDirectory_filePath");
    this.x = header.position("face_x");
    this.y = header.position("face_y");
    this.w = header.position("face_width");
    this.h = header.position("face_height");
    this.expression = header.position("expression");
    this.needed = List.of(path, x, y, w, h, expression).stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
  }

  /** training.csv rows get their split from the pool; validation.csv rows have a fixed one. */
  @Override
  public boolean leavesSplitsToAssign() {
    return split == null;
  }

  /** Ids are {@code subDirectory_filePath}: a file can be listed twice, within a CSV or across both. */
  @Override
  public boolean idsMayRepeat() {
    return true;
  }

  /** Parses one data line; {@code lineNumber} is 1-based (the header is line 1). */
  @Override
  public InputRecord parse(String line, long lineNumber) {
    String source = fileName + " line " + lineNumber;
    List<String> fields = CsvLine.split(line);
    if (fields.size() < needed) {
      return InputRecord.rejected(fileName + ":" + lineNumber, source, "bad-csv-row",
          "expected at least " + needed + " fields, got " + fields.size());
    }
    String relative = fields.get(path).trim();
    String id = relative.isEmpty() ? fileName + ":" + lineNumber : relative;
    if (relative.isEmpty()) {
      return InputRecord.rejected(id, source, "bad-csv-row", "subDirectory_filePath is empty");
    }
    Optional<Integer> code = integer(fields.get(expression));
    if (code.isEmpty()) {
      return InputRecord.rejected(id, source, "bad-csv-row", "expression '" + fields.get(expression) + "' is not an integer");
    }
    String excluded = exclusion(code.get());
    if (excluded != null) {
      return InputRecord.rejected(id, source, excluded, "expression code " + code.get() + " is excluded");
    }
    Optional<Emotion> emotion = Emotion.fromAffectNetCode(code.get());
    if (emotion.isEmpty()) {
      return InputRecord.rejected(id, source, "unknown-label", "expression code " + code.get() + " is not 0-10");
    }
    Optional<Integer> bx = integer(fields.get(x));
    Optional<Integer> by = integer(fields.get(y));
    Optional<Integer> bw = integer(fields.get(w));
    Optional<Integer> bh = integer(fields.get(h));
    if (bx.isEmpty() || by.isEmpty() || bw.isEmpty() || bh.isEmpty()) {
      return InputRecord.rejected(id, source, "bad-csv-row", "face box (" + fields.get(x) + ", " + fields.get(y)
          + ", " + fields.get(w) + ", " + fields.get(h) + ") is not numeric");
    }
    FaceBox box = new FaceBox(bx.get(), by.get(), bw.get(), bh.get());
    if (box.isEmpty()) {
      return InputRecord.rejected(id, source, "bad-face-box", "face box " + box + " has zero or negative size");
    }
    String file = imagesRoot + "/" + relative;
    return new InputRecord(id, source + " (" + relative + ")", file, null, emotion.get().index(), split,
        split == null ? pool : null, box, -1, null, null);
  }

  private String exclusion(int code) {
    return switch (code) {
      case 7 -> classes >= 8 ? null : "excluded-contempt";
      case 8 -> "excluded-none";
      case 9 -> "excluded-uncertain";
      case 10 -> "excluded-no-face";
      default -> null;
    };
  }

  /** An integer field; accepts "134" and "134.0" (pandas-written files), not NaN or fractions. */
  static Optional<Integer> integer(String text) {
    String t = text.trim();
    try {
      return Optional.of(Integer.parseInt(t));
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(t);
        if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
          return Optional.of((int) d);
        }
      } catch (NumberFormatException ignored) {
        // fall through: not a number
      }
      return Optional.empty();
    }
  }
}
