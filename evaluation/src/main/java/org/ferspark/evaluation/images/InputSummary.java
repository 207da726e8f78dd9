package org.ferspark.evaluation.images;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of the inputs of an evaluated photo folder: the report's "Inputs" section and the {@code inputs}
 * block of {@code metrics.json}.
 *
 * @param total inputs listed (files under the folder, hidden names excepted)
 * @param byStatus inputs per {@link FaceStatus#key()}, every status, in enum order; they sum to {@code total}
 * @param unreadableByReason the preprocessing reason codes of the unreadable inputs
 * @param examples a few inputs of each status other than {@code ok}, with what was wrong
 * @param detector what the face detector did
 * @param settings how faces were found: detection on or off, the size thresholds, the several-faces policy
 */
public record InputSummary(long total, Map<String, Long> byStatus, Map<String, Long> unreadableByReason,
    Map<String, List<Example>> examples, Detector detector, Map<String, Object> settings) {

  public InputSummary {
    byStatus = Collections.unmodifiableMap(new LinkedHashMap<>(byStatus));
    unreadableByReason = Collections.unmodifiableMap(new TreeMap<>(unreadableByReason));
    examples = Collections.unmodifiableMap(new LinkedHashMap<>(examples));
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** Inputs with status {@code ok}: the faces scored. */
  public long scored() {
    return byStatus.getOrDefault(FaceStatus.OK.key(), 0L);
  }

  /** One input of a status. @param detail the reason (code first for unreadable inputs) */
  public record Example(String id, String source, String detail) {
  }

  /**
   * @param searched images the detector searched
   * @param wholeImages images taken whole as the face (small images, or detection off)
   * @param facesFound images searched, by faces found: {@code 0}, {@code 1}, {@code 2}, {@code 3+}
   * @param largestOfSeveral images with several faces whose largest was scored
   * @param sideMin smallest side of a scored face in pixels, -1 for none
   * @param sideMax largest, -1 for none
   * @param sideMean mean, NaN for none
   * @param sides scored faces per side range
   */
  public record Detector(long searched, long wholeImages, Map<String, Long> facesFound, long largestOfSeveral,
      long sideMin, long sideMax, double sideMean, List<SideBin> sides) {
    public Detector {
      facesFound = Collections.unmodifiableMap(new LinkedHashMap<>(facesFound));
      sides = List.copyOf(sides);
    }
  }

  /** Scored faces with a side in {@code [lower, upper)} pixels; {@code upper} -1 for the open last bin. */
  public record SideBin(int lower, int upper, long count) {
  }
}
