package org.ferspark.model.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemperatureScalingTest {
  private static final int CLASSES = 7;

  /** Logits with a N(0, spread²) entry per class, and labels drawn from softmax(z / t0). */
  private record Synthetic(double[][] logits, int[] labels) {
    static Synthetic draw(int n, double spread, double t0, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      double[][] z = new double[n][CLASSES];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < CLASSES; c++) {
          z[i][c] = gaussian(rng) * spread;
        }
        double[] p = TemperatureScaling.softmax(z[i], 1 / t0);
        double u = rng.nextDouble();
        int c = 0;
        for (double acc = p[0]; acc < u && c < CLASSES - 1; acc += p[++c]) {
          // walk the cumulative distribution
        }
        y[i] = c;
      }
      return new Synthetic(z, y);
    }

    float[][] probabilities() {
      float[][] p = new float[logits.length][];
      for (int i = 0; i < p.length; i++) {
        double[] q = TemperatureScaling.softmax(logits[i], 1);
        p[i] = new float[q.length];
        for (int c = 0; c < q.length; c++) {
          p[i][c] = (float) q[c];
        }
      }
      return p;
    }
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  @Test
  void recoversTheTemperatureTheLabelsWereDrawnWith() {
    for (double t0 : new double[] {0.5, 1.0, 2.5}) {
      Synthetic s = Synthetic.draw(20_000, 3, t0, 11);
      TemperatureScaling.Fit fit = TemperatureScaling.fit(s.logits(), s.labels());
      assertThat(fit.temperature()).as("T0 = %s", t0).isCloseTo(t0, within(0.05 * t0));
      assertThat(fit.atBound()).isFalse();
      assertThat(fit.iterations()).isLessThan(30);
    }
  }

  @Test
  void theFitIsTheMinimumOfTheExactNll() {
    Synthetic s = Synthetic.draw(3_000, 2, 1.7, 5);
    TemperatureScaling.Fit fit = TemperatureScaling.fit(s.logits(), s.labels());
    double t = fit.temperature();
    assertThat(fit.nllAfter()).isEqualTo(TemperatureScaling.nll(s.logits(), s.labels(), t));
    for (double factor : new double[] {0.9, 0.99, 0.999, 1.001, 1.01, 1.1}) {
      assertThat(TemperatureScaling.nll(s.logits(), s.labels(), t * factor)).as("factor %s", factor)
          .isGreaterThan(fit.nllAfter());
    }
  }

  @Test
  void onAnOverConfidentSetTheTemperatureLowersNllAndEce() {
    Synthetic s = Synthetic.draw(10_000, 1.5, 1, 23);
    double[][] sharp = new double[s.logits().length][];
    for (int i = 0; i < sharp.length; i++) {
      sharp[i] = s.logits()[i].clone();
      for (int c = 0; c < CLASSES; c++) {
        sharp[i][c] *= 3;
      }
    }
    Synthetic overConfident = new Synthetic(sharp, s.labels());
    float[][] p = overConfident.probabilities();
    TemperatureScaling.Fit fit = TemperatureScaling.fit(TemperatureScaling.logits(p), s.labels());
    float[][] calibrated = TemperatureScaling.apply(p, fit.temperature());
    double eceBefore = TemperatureScaling.ece(p, s.labels());
    double eceAfter = TemperatureScaling.ece(calibrated, s.labels());

    assertThat(fit.temperature()).as("the logits were multiplied by 3").isCloseTo(3, within(0.2));
    assertThat(fit.nllAfter()).isLessThan(fit.nllBefore() - 0.1);
    assertThat(eceBefore).isGreaterThan(0.1);
    assertThat(eceAfter).isLessThan(0.03).isLessThan(eceBefore / 4);
  }

  @Test
  void applyingTIsTheSoftmaxOfTheLogitsOverT() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int k = 0; k < 100; k++) {
      double[] z = new double[CLASSES];
      for (int c = 0; c < CLASSES; c++) {
        z[c] = gaussian(rng) * 4;
      }
      float[] p = new float[CLASSES];
      double[] q = TemperatureScaling.softmax(z, 1);
      for (int c = 0; c < CLASSES; c++) {
        p[c] = (float) q[c];
      }
      double t = 0.3 + 3 * rng.nextDouble();
      double[] expected = TemperatureScaling.softmax(z, 1 / t);
      float[] got = TemperatureScaling.apply(p, t);
      for (int c = 0; c < CLASSES; c++) {
        assertThat((double) got[c]).isCloseTo(expected[c], within(2e-6));
      }
    }
    float[][] same = {{0.2f, 0.8f}};
    assertThat(TemperatureScaling.apply(same, 1)).as("T = 1 is the identity").isSameAs(same);
    assertThat(TemperatureScaling.apply(new float[] {0f, 1f}, 2)).as("an underflowed probability stays ~0")
        .containsExactly(new float[] {0f, 1f}, org.assertj.core.data.Offset.offset(1e-20f));
  }

  @Test
  void logitsWithoutInformationOrSeparableLabelsEndAtAnEdge() {
    double[][] flat = {{0.5, 0.5, 0.5}, {1, 1, 1}};
    TemperatureScaling.Fit none = TemperatureScaling.fit(flat, new int[] {0, 2});
    assertThat(none.temperature()).isEqualTo(1);
    assertThat(none.atBound()).isTrue();

    double[][] separable = {{2, 0, 0}, {0, 3, 0}, {0, 0, 1}};
    TemperatureScaling.Fit sharp = TemperatureScaling.fit(separable, new int[] {0, 1, 2});
    assertThat(sharp.temperature()).isEqualTo(TemperatureScaling.MIN_TEMPERATURE);
    assertThat(sharp.atBound()).isTrue();
    assertThat(sharp.nllAfter()).isLessThan(sharp.nllBefore());
  }

  @Test
  void badInputIsRefusedWithTheRow() {
    assertThatThrownBy(() -> TemperatureScaling.fit(new double[0][], new int[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TemperatureScaling.fit(new double[][] {{0, 1}, {0, 1, 2}}, new int[] {0, 1}))
        .hasMessageContaining("row 1");
    assertThatThrownBy(() -> TemperatureScaling.fit(new double[][] {{0, 1}}, new int[] {2}))
        .hasMessageContaining("label 2");
    assertThatThrownBy(() -> TemperatureScaling.fit(new double[][] {{0, Double.NaN}}, new int[] {0}))
        .hasMessageContaining("non-finite");
  }

  @Test
  void eceOfASmallKnownExample() {
    // bins of 1/15: 0.9 and 0.92 share bin 13 (conf 0.91, acc 0.5); 0.5 (a tie, class 0) is alone in bin 7
    float[][] p = {{0.9f, 0.1f}, {0.08f, 0.92f}, {0.5f, 0.5f}};
    int[] labels = {0, 0, 0};
    double expected = 2.0 / 3 * Math.abs(0.5 - (0.9 + 0.92) / 2) + 1.0 / 3 * Math.abs(1 - 0.5);
    assertThat(TemperatureScaling.ece(p, labels)).isCloseTo(expected, within(1e-6));
    assertThat(TemperatureScaling.bin(0, 15)).isZero();
    assertThat(TemperatureScaling.bin(1.0 / 15, 15)).isZero();
    assertThat(TemperatureScaling.bin(1, 15)).isEqualTo(14);
  }
}
