package org.ferspark.preprocessing.dataset;

import java.io.Serializable;

/**
 * What became of one input: a tensor (the original, or augmented copy {@code copy > 0}), or a rejection.
 *
 * @param pixels {@code size × size} uint8 grayscale, row-major; {@code null} for a rejection
 * @param augmentation the transform applied to an augmented copy, {@code null} for originals and rejections
 */
public record Outcome(
    String id,
    String source,
    String split,
    int label,
    byte[] pixels,
    int copy,
    String augmentation,
    String reason,
    String detail) implements Serializable {

  public static Outcome tensor(String id, String source, String split, int label, byte[] pixels, int copy,
      String augmentation) {
    return new Outcome(id, source, split, label, pixels, copy, augmentation, null, null);
  }

  public static Outcome reject(String id, String source, String reason, String detail) {
    return new Outcome(id, source, null, -1, null, 0, null, reason, detail);
  }

  public boolean isRejected() {
    return reason != null;
  }
}
