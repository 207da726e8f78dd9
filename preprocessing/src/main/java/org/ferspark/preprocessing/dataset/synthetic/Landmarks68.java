package org.ferspark.preprocessing.dataset.synthetic;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Plausible 68-point (iBUG layout) facial landmarks for a face box, formatted as AffectNet's
 * {@code facial_landmarks} column: {@code x1;y1;...;x68;y68}. Shape only; nothing reads them for accuracy.
 */
final class Landmarks68 {
  /** Unit-box template, 68 (x, y) pairs: jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67. */
  private static final double[] TEMPLATE = buildTemplate();

  private Landmarks68() {
  }

  static String format(int boxX, int boxY, int boxWidth, int boxHeight, SplittableRandom random) {
    StringBuilder sb = new StringBuilder(68 * 2 * 8);
    for (int i = 0; i < 68; i++) {
      double x = boxX + boxWidth * (TEMPLATE[2 * i] + jitter(random));
      double y = boxY + boxHeight * (TEMPLATE[2 * i + 1] + jitter(random));
      if (i > 0) {
        sb.append(';');
      }
      sb.append(String.format(Locale.ROOT, "%.2f;%.2f", x, y));
    }
    return sb.toString();
  }

  private static double jitter(SplittableRandom random) {
    return (random.nextDouble() - 0.5) * 0.02;
  }

  private static double[] buildTemplate() {
    double[] t = new double[136];
    int k = 0;
    for (int i = 0; i < 17; i++) { // jaw: a U from the left temple round the chin to the right temple
      double a = Math.PI * i / 16;
      t[k++] = 0.5 - 0.42 * Math.cos(a);
      t[k++] = 0.35 + 0.55 * Math.sin(a);
    }
    for (int side = 0; side < 2; side++) { // brows, 5 points each
      for (int i = 0; i < 5; i++) {
        t[k++] = 0.18 + side * 0.38 + i * 0.065;
        t[k++] = 0.30 - 0.03 * Math.sin(Math.PI * i / 4);
      }
    }
    for (int i = 0; i < 4; i++) { // nose bridge
      t[k++] = 0.5;
      t[k++] = 0.38 + i * 0.07;
    }
    for (int i = 0; i < 5; i++) { // nostrils
      t[k++] = 0.40 + i * 0.05;
      t[k++] = 0.64 + (i == 2 ? 0.02 : 0.0);
    }
    for (int side = 0; side < 2; side++) { // eyes, 6 points each
      double cx = side == 0 ? 0.32 : 0.68;
      for (int i = 0; i < 6; i++) {
        double a = 2 * Math.PI * i / 6;
        t[k++] = cx - 0.08 * Math.cos(a);
        t[k++] = 0.40 - 0.025 * Math.sin(a);
      }
    }
    for (int i = 0; i < 12; i++) { // outer lip
      double a = 2 * Math.PI * i / 12;
      t[k++] = 0.5 - 0.16 * Math.cos(a);
      t[k++] = 0.78 - 0.06 * Math.sin(a);
    }
    for (int i = 0; i < 8; i++) { // inner lip
      double a = 2 * Math.PI * i / 8;
      t[k++] = 0.5 - 0.10 * Math.cos(a);
      t[k++] = 0.78 - 0.025 * Math.sin(a);
    }
    return t;
  }
}
