package org.ferspark.preprocessing.dataset;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Column positions of a CSV file, looked up by (trimmed, case-insensitive) header name. */
public final class CsvHeader implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final Map<String, Integer> positions = new HashMap<>();
  private final int width;

  private CsvHeader(String file, List<String> names) {
    this.file = file;
    this.width = names.size();
    for (int i = 0; i < names.size(); i++) {
      positions.putIfAbsent(normalise(names.get(i)), i);
    }
  }

  /**
   * Parses a header line and checks the required columns.
   *
   * @throws InputError naming the file and the missing columns
   */
  public static CsvHeader parse(String file, String headerLine, List<String> required) {
    if (headerLine == null || headerLine.isBlank()) {
      throw new InputError(file + ": the file is empty (expected a header line with columns " + required + ")");
    }
    CsvHeader header = new CsvHeader(file, CsvLine.split(headerLine.replace("\uFEFF", "")));
    List<String> missing = required.stream().filter(c -> !header.positions.containsKey(normalise(c))).toList();
    if (!missing.isEmpty()) {
      throw new InputError(file + ": missing column(s) " + missing + " in header '" + headerLine.strip()
          + "' (expected " + required + ")");
    }
    return header;
  }

  /** The position of a column, or -1 when the file has no such column. */
  public int position(String column) {
    return positions.getOrDefault(normalise(column), -1);
  }

  public int width() {
    return width;
  }

  public String file() {
    return file;
  }

  private static String normalise(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
