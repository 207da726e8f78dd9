package org.ferspark.preprocessing.image;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.Serializable;
import org.ferspark.preprocessing.config.FerConfig;

/**
 * The ranges of random face augmentation, bound from {@code fer.preprocess.augment.*}.
 *
 * @param maxRotationDeg rotation drawn uniformly from ±this many degrees, 0..180
 * @param zoomMin smallest zoom factor, positive
 * @param zoomMax largest zoom factor, at least {@code zoomMin}
 * @param maxShiftPx shift drawn uniformly from ±this many whole pixels on each axis, at least 0
 * @param horizontalFlip whether half of the faces are mirrored left-right
 * @param maxBrightness brightness shift drawn uniformly from ±this fraction of full scale (255), 0..1; 0 = off
 * @param maxContrast contrast factor drawn uniformly from 1 ± this, about the face's mean grey level, 0..1; 0 = off
 * @param erasingProbability probability of random erasing: one rectangle of 2–20 % of the face, aspect ratio
 *     0.3–3.3, filled with uniform noise (Zhong et al. 2017), 0..1; 0 = off
 */
public record AugmentParams(double maxRotationDeg, double zoomMin, double zoomMax, int maxShiftPx,
    boolean horizontalFlip, double maxBrightness, double maxContrast, double erasingProbability)
    implements Serializable {

  private static final String PREFIX = "fer.preprocess.augment.";

  /** Validates the ranges; a violation is an {@link IllegalArgumentException} naming the configuration key. */
  public AugmentParams {
    require(Double.isFinite(maxRotationDeg) && maxRotationDeg >= 0 && maxRotationDeg <= 180,
        "max-rotation-deg", "must be within 0..180, got " + maxRotationDeg);
    require(Double.isFinite(zoomMin) && zoomMin > 0, "zoom-min", "must be positive, got " + zoomMin);
    require(Double.isFinite(zoomMax) && zoomMax >= zoomMin, "zoom-max",
        "must be at least zoom-min " + zoomMin + ", got " + zoomMax);
    require(maxShiftPx >= 0, "max-shift-px", "must be at least 0, got " + maxShiftPx);
    require(maxBrightness >= 0 && maxBrightness <= 1, "brightness", "must be within 0..1, got " + maxBrightness);
    require(maxContrast >= 0 && maxContrast <= 1, "contrast", "must be within 0..1, got " + maxContrast);
    require(erasingProbability >= 0 && erasingProbability <= 1, "erasing-probability",
        "must be within 0..1, got " + erasingProbability);
  }

  /** The geometric transforms only (no brightness, contrast or erasing). */
  public AugmentParams(double maxRotationDeg, double zoomMin, double zoomMax, int maxShiftPx, boolean horizontalFlip) {
    this(maxRotationDeg, zoomMin, zoomMax, maxShiftPx, horizontalFlip, 0, 0, 0);
  }

  /** Whether any photometric transform (brightness, contrast, erasing) is on. */
  public boolean photometric() {
    return maxBrightness > 0 || maxContrast > 0 || erasingProbability > 0;
  }

  /** No augmentation at all: every draw is the identity. */
  public static AugmentParams none() {
    return new AugmentParams(0, 1, 1, 0, false);
  }

  /** Reads {@code fer.preprocess.augment.*}; a missing, mistyped or out-of-range value is a ConfigError naming it. */
  public static AugmentParams fromConfig(Config config) {
    try {
      return new AugmentParams(
          config.getDouble(PREFIX + "max-rotation-deg"),
          config.getDouble(PREFIX + "zoom-min"),
          config.getDouble(PREFIX + "zoom-max"),
          config.getInt(PREFIX + "max-shift-px"),
          config.getBoolean(PREFIX + "horizontal-flip"),
          config.getDouble(PREFIX + "brightness"),
          config.getDouble(PREFIX + "contrast"),
          config.getDouble(PREFIX + "erasing-probability"));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new IllegalArgumentException(PREFIX + key + " " + message);
    }
  }
}
