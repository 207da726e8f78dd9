package org.ferspark.preprocessing.dataset;

import java.util.List;

/**
 * Parses rows of the FER2013 CSV ({@code emotion,pixels,Usage}; columns found by header name, so the
 * {@code icml_face_data.csv} order and a file without {@code Usage} work too).
 *
 * <p>{@code Usage} Training / PublicTest / PrivateTest become train / validation / test; without the column the
 * split is assigned by the job (pool {@code default}). Pixels are validated when the row is converted.
 */
public final class Fer2013CsvParser implements CsvRowParser {
  private static final long serialVersionUID = 1L;
  public static final List<String> REQUIRED = List.of("emotion", "pixels");

  private final String fileName;
  private final int emotion;
  private final int pixels;
  private final int usage;
  private final int needed;

  public Fer2013CsvParser(CsvHeader header) {
    this.fileName = header.file();
    this.emotion = header.position("emotion");
    this.pixels = header.position("pixels");
    this.usage = header.position("usage");
    this.needed = Math.max(emotion, Math.max(pixels, usage)) + 1;
  }

  /** Without a {@code Usage} column the job assigns the splits. */
  @Override
  public boolean leavesSplitsToAssign() {
    return usage < 0;
  }

  /** Ids are {@code file.csv:line}: unique. */
  @Override
  public boolean idsMayRepeat() {
    return false;
  }

  /** Parses one data line; {@code lineNumber} is 1-based (the header is line 1). */
  @Override
  public InputRecord parse(String line, long lineNumber) {
    String id = fileName + ":" + lineNumber;
    String source = fileName + " line " + lineNumber;
    List<String> fields = CsvLine.split(line);
    if (fields.size() < needed) {
      return InputRecord.rejected(id, source, "bad-csv-row",
          "expected at least " + needed + " fields, got " + fields.size());
    }
    String code = fields.get(emotion).trim();
    int label;
    try {
      label = Integer.parseInt(code);
    } catch (NumberFormatException e) {
      return InputRecord.rejected(id, source, "bad-csv-row", "emotion '" + code + "' is not a number");
    }
    if (Emotion.fromFer2013Code(label).isEmpty()) {
      return InputRecord.rejected(id, source, "unknown-label", "emotion code " + label + " is not one of 0-6");
    }
    String split = null;
    if (usage >= 0) {
      String value = fields.get(usage).trim();
      split = Splits.fromName(value).orElse(null);
      if (split == null) {
        return InputRecord.rejected(id, source, "bad-csv-row",
            "Usage '" + value + "' is not Training, PublicTest or PrivateTest");
      }
    }
    String pixelText = fields.get(pixels).trim();
    if (pixelText.isEmpty()) {
      return InputRecord.rejected(id, source, "bad-csv-row", "pixels field is empty");
    }
    return new InputRecord(id, source, null, pixelText, label, split, split == null ? "default" : null, null,
        -1, null, null);
  }
}
