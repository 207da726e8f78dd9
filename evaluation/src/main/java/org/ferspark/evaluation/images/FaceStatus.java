package org.ferspark.evaluation.images;

import java.util.Locale;

/**
 * What became of one photo of an evaluated folder. Every input gets exactly one, so
 * {@code inputs = ok + no-face + several-faces + face-too-small + unreadable + unknown-label}; only {@link #OK} faces
 * are scored.
 */
public enum FaceStatus {
  /** A face was found (or the whole image was taken as the face) and scored. */
  OK,
  /** The detector found no face of at least {@code fer.evaluate.images.detect-min-side}. */
  NO_FACE,
  /** Several faces of at least {@code min-face} and {@code fer.evaluate.images.several-faces = reject}. */
  SEVERAL_FACES,
  /** The face (the largest detected, or the whole image taken as a crop) is smaller than {@code min-face}. */
  FACE_TOO_SMALL,
  /** The file could not be read or decoded; the preprocessing reason code says why. */
  UNREADABLE,
  /** The file is not in a label folder, or its class is one some model cannot predict. */
  UNKNOWN_LABEL;

  /** The name in reports and {@code metrics.json}: {@code ok}, {@code no-face}, ... */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
