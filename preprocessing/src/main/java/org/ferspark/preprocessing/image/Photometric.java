package org.ferspark.preprocessing.image;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The photometric part of face augmentation, applied in place to a gray face after the geometric warp: brightness
 * shift, contrast about the face's mean grey level, and random erasing (one rectangle of 2–20 % of the face with
 * aspect ratio 0.3–3.3, filled with uniform noise; Zhong et al., "Random Erasing Data Augmentation", 2017).
 *
 * <p>Draw order: brightness and contrast (when either is on: both drawn), then erasing (when on: the coin, and for
 * an erased face area, aspect and position). A transform that is off draws nothing.
 */
final class Photometric {
  private static final double ERASE_MIN_AREA = 0.02;
  private static final double ERASE_MAX_AREA = 0.2;
  private static final double ERASE_MIN_ASPECT = 0.3;

  private Photometric() {
  }

  /** Transforms {@code pixels} ({@code size × size}) in place; returns the description suffix, e.g. {@code ;bri=..}. */
  static String apply(byte[] pixels, int size, AugmentParams p, SplittableRandom rng) {
    StringBuilder d = new StringBuilder();
    if (p.maxBrightness() > 0 || p.maxContrast() > 0) {
      double shift = (rng.nextDouble() * 2 - 1) * p.maxBrightness() * 255;
      double factor = 1 + (rng.nextDouble() * 2 - 1) * p.maxContrast();
      double mean = 0;
      for (byte b : pixels) {
        mean += b & 0xff;
      }
      mean /= pixels.length;
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = clamp(((pixels[i] & 0xff) - mean) * factor + mean + shift);
      }
      d.append(String.format(Locale.ROOT, ";bri=%+.1f;con=%.3f", shift, factor));
    }
    if (p.erasingProbability() > 0 && rng.nextDouble() < p.erasingProbability()) {
      double area = size * size * (ERASE_MIN_AREA + rng.nextDouble() * (ERASE_MAX_AREA - ERASE_MIN_AREA));
      double logMin = Math.log(ERASE_MIN_ASPECT);
      double aspect = Math.exp(logMin + rng.nextDouble() * -2 * logMin);
      int h = Math.max(1, Math.min(size, (int) Math.round(Math.sqrt(area * aspect))));
      int w = Math.max(1, Math.min(size, (int) Math.round(Math.sqrt(area / aspect))));
      int top = rng.nextInt(size - h + 1);
      int left = rng.nextInt(size - w + 1);
      for (int y = top; y < top + h; y++) {
        for (int x = left; x < left + w; x++) {
          pixels[y * size + x] = (byte) rng.nextInt(256);
        }
      }
      d.append(String.format(Locale.ROOT, ";erase=%d,%d,%dx%d", left, top, w, h));
    }
    return d.toString();
  }

  private static byte clamp(double v) {
    return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
  }
}
