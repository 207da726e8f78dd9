package org.ferspark.preprocessing.dataset.synthetic;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link AffectNetShapedWriter} generates: row counts, seed, the share of non-emotion codes and bad rows.
 *
 * @param ferSource folder-per-class FER2013 tree ({@code <label>/*.jpg}) the faces are taken from
 * @param trainingCount good rows in {@code training.csv} (codes 0–10)
 * @param validationCount good rows in {@code validation.csv}
 * @param seed the same seed and options give byte-identical files
 * @param specialCodeFraction share of good rows, in each CSV, with codes 7–10 (Contempt, None, Uncertain,
 *     No-Face; cycled in that order); the rest get 0–6 cycled evenly
 * @param badRowsPerKind how many rows of each {@link BadRowKind} are added to {@code training.csv}; 0 = none
 * @param jpegQuality quality of the written JPEGs (1–100)
 */
public record AffectNetShapedOptions(
    Path ferSource, int trainingCount, int validationCount, long seed, double specialCodeFraction,
    int badRowsPerKind, int jpegQuality) {

  public AffectNetShapedOptions {
    Objects.requireNonNull(ferSource, "ferSource");
    if (trainingCount < 0 || validationCount < 0) {
      throw new IllegalArgumentException("counts must be >= 0: training " + trainingCount
          + ", validation " + validationCount);
    }
    if (!(specialCodeFraction >= 0 && specialCodeFraction <= 1)) {
      throw new IllegalArgumentException("specialCodeFraction must be in [0,1], got " + specialCodeFraction);
    }
    if (badRowsPerKind < 0) {
      throw new IllegalArgumentException("badRowsPerKind must be >= 0, got " + badRowsPerKind);
    }
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("jpegQuality must be in 1..100, got " + jpegQuality);
    }
  }

  /** {@code trainingCount} rows, a tenth of that (at least 1) for validation, seed 42, no special codes or bad rows. */
  public static AffectNetShapedOptions of(Path ferSource, int trainingCount) {
    return new AffectNetShapedOptions(ferSource, trainingCount, Math.max(1, trainingCount / 10), 42L, 0.0, 0, 90);
  }

  public AffectNetShapedOptions withValidationCount(int n) {
    return new AffectNetShapedOptions(ferSource, trainingCount, n, seed, specialCodeFraction, badRowsPerKind,
        jpegQuality);
  }

  public AffectNetShapedOptions withSeed(long s) {
    return new AffectNetShapedOptions(ferSource, trainingCount, validationCount, s, specialCodeFraction,
        badRowsPerKind, jpegQuality);
  }

  public AffectNetShapedOptions withSpecialCodeFraction(double f) {
    return new AffectNetShapedOptions(ferSource, trainingCount, validationCount, seed, f, badRowsPerKind,
        jpegQuality);
  }

  public AffectNetShapedOptions withBadRowsPerKind(int n) {
    return new AffectNetShapedOptions(ferSource, trainingCount, validationCount, seed, specialCodeFraction, n,
        jpegQuality);
  }

  public AffectNetShapedOptions withJpegQuality(int q) {
    return new AffectNetShapedOptions(ferSource, trainingCount, validationCount, seed, specialCodeFraction,
        badRowsPerKind, q);
  }
}
