package org.ferspark.preprocessing.dataset.synthetic;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link AffectNetShapedWriter} wrote, for exact accounting in tests: good rows per expression code and CSV,
 * bad rows per kind (all in {@code training.csv}), and the number of image files.
 *
 * @param root the dataset root (holds {@code Manually_Annotated_Images/} and {@code Manually_Annotated_file_lists/})
 * @param trainingByCode good rows of {@code training.csv} by expression code (0–10), codes with no rows absent
 * @param validationByCode good rows of {@code validation.csv} by expression code
 * @param badRows rows added to {@code training.csv} per kind, kinds with none absent
 * @param imageFiles files written under {@code Manually_Annotated_Images/} (including empty and truncated ones)
 */
public record AffectNetShapedSummary(
    Path root, Map<Integer, Integer> trainingByCode, Map<Integer, Integer> validationByCode,
    Map<BadRowKind, Integer> badRows, int imageFiles) {

  public AffectNetShapedSummary {
    trainingByCode = Map.copyOf(trainingByCode);
    validationByCode = Map.copyOf(validationByCode);
    badRows = Map.copyOf(badRows);
  }

  public Path imageRoot() {
    return root.resolve(AffectNetShapedWriter.IMAGES_DIR);
  }

  public Path trainingCsv() {
    return root.resolve(AffectNetShapedWriter.LISTS_DIR).resolve("training.csv");
  }

  public Path validationCsv() {
    return root.resolve(AffectNetShapedWriter.LISTS_DIR).resolve("validation.csv");
  }

  /** Good rows of both CSVs by code, in code order. */
  public Map<Integer, Integer> rowsByCode() {
    Map<Integer, Integer> all = new TreeMap<>(trainingByCode);
    validationByCode.forEach((code, n) -> all.merge(code, n, Integer::sum));
    return all;
  }

  public int goodRows() {
    return rowsByCode().values().stream().mapToInt(Integer::intValue).sum();
  }

  public int badRowCount() {
    return badRows.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Data rows of both CSVs (headers excluded). */
  public int totalRows() {
    return goodRows() + badRowCount();
  }
}
