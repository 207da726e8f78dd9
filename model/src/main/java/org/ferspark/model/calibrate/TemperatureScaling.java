package org.ferspark.model.calibrate;

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017): one scalar {@code T}
 * divides the logits before the softmax, {@code p = softmax(z / T)}, fitted by minimising the exact mean negative
 * log-likelihood of labelled logits. The arg-max, hence accuracy and any ranking by confidence, never changes.
 *
 * <p>Logits of networks that end in a softmax are their log-probabilities, {@link #logit}: {@code ln p = z - LSE(z)},
 * the same up to a per-face constant, which the softmax cancels, so {@code softmax(ln p / T) = softmax(z / T)}.
 *
 * <p>The fit works on {@code β = 1 / T}: there {@code NLL(β) = mean(LSE(β z) - β z_y)} is convex (its second
 * derivative is the mean variance of the logits under {@code softmax(β z)}), so the root of its derivative is the one
 * global minimum. It is found by Newton's method safeguarded by bisection on a bracket {@code T ∈}
 * [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}], to machine precision; a minimum beyond the bracket is
 * reported at its edge ({@link Fit#atBound}). Everything is in double precision.
 */
public final class TemperatureScaling {
  /** The smallest temperature the fit returns. */
  public static final double MIN_TEMPERATURE = 0.01;
  /** The largest temperature the fit returns. */
  public static final double MAX_TEMPERATURE = 100;
  /** The logit of a probability that underflowed to 0: ln of the smallest positive float (about -103.3). */
  public static final double LOG_FLOOR = Math.log(Float.MIN_VALUE);
  /** Equal-width bins of the top-1 probability for {@link #ece}, as in the evaluation report. */
  public static final int ECE_BINS = 15;
  private static final int MAX_ITERATIONS = 200;

  private TemperatureScaling() {
  }

  /**
   * A fitted temperature.
   *
   * @param temperature the minimiser of the NLL within the bracket
   * @param nllBefore mean NLL at {@code T = 1}
   * @param nllAfter mean NLL at {@code temperature}
   * @param iterations Newton or bisection steps taken
   * @param atBound the minimum lies at or beyond an edge of the bracket (or the logits carry no information)
   */
  public record Fit(double temperature, double nllBefore, double nllAfter, int iterations, boolean atBound) {
  }

  /** The logit of a softmax output: {@code ln p}, or {@link #LOG_FLOOR} for {@code p <= 0}. */
  public static double logit(float p) {
    return p > 0 ? Math.log(p) : LOG_FLOOR;
  }

  /** {@link #logit} of every probability. */
  public static double[][] logits(float[][] probabilities) {
    double[][] z = new double[probabilities.length][];
    for (int i = 0; i < z.length; i++) {
      z[i] = new double[probabilities[i].length];
      for (int c = 0; c < z[i].length; c++) {
        z[i][c] = logit(probabilities[i][c]);
      }
    }
    return z;
  }

  /** {@code softmax(ln p / t)} of one face's probabilities, a new array. */
  public static float[] apply(float[] p, double t) {
    double[] z = new double[p.length];
    for (int c = 0; c < p.length; c++) {
      z[c] = logit(p[c]);
    }
    double[] q = softmax(z, 1 / t);
    float[] out = new float[p.length];
    for (int c = 0; c < p.length; c++) {
      out[c] = (float) q[c];
    }
    return out;
  }

  /** {@link #apply(float[], double)} on every face; {@code t == 1} returns {@code probabilities} itself. */
  public static float[][] apply(float[][] probabilities, double t) {
    if (t == 1) {
      return probabilities;
    }
    float[][] out = new float[probabilities.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = apply(probabilities[i], t);
    }
    return out;
  }

  /** {@code softmax(β z)} in double precision. */
  public static double[] softmax(double[] z, double beta) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, beta * v);
    }
    double[] q = new double[z.length];
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      q[c] = Math.exp(beta * z[c] - max);
      sum += q[c];
    }
    for (int c = 0; c < z.length; c++) {
      q[c] /= sum;
    }
    return q;
  }

  /** The mean negative log-likelihood of {@code labels} under {@code softmax(z / t)} (natural log). */
  public static double nll(double[][] logits, int[] labels, double t) {
    return derivatives(logits, labels, 1 / t)[0];
  }

  /**
   * Fits {@code T} to labelled logits (log-probabilities work, see the class comment).
   *
   * @param logits one row per face, one column per class
   * @param labels the true class of each row
   * @throws IllegalArgumentException for no rows, rows of different widths, a label outside a row, a non-finite logit
   */
  public static Fit fit(double[][] logits, int[] labels) {
    check(logits, labels);
    double before = nll(logits, labels, 1);
    if (uninformative(logits)) {
      return new Fit(1, before, before, 0, true);
    }
    double lo = 1 / MAX_TEMPERATURE;
    double hi = 1 / MIN_TEMPERATURE;
    double gLo = derivatives(logits, labels, lo)[1];
    double gHi = derivatives(logits, labels, hi)[1];
    if (gLo >= 0) {
      return new Fit(MAX_TEMPERATURE, before, nll(logits, labels, MAX_TEMPERATURE), 0, true);
    }
    if (gHi <= 0) {
      return new Fit(MIN_TEMPERATURE, before, nll(logits, labels, MIN_TEMPERATURE), 0, true);
    }
    double beta = 1;
    int iterations = 0;
    while (iterations++ < MAX_ITERATIONS) {
      double[] d = derivatives(logits, labels, beta);
      double g = d[1];
      if (g == 0) {
        break;
      }
      if (g < 0) {
        lo = beta;
      } else {
        hi = beta;
      }
      double next = d[2] > 0 ? beta - g / d[2] : Double.NaN;
      if (!(next > lo && next < hi)) {
        next = (lo + hi) / 2;
      }
      if (Math.abs(next - beta) <= 1e-13 * beta || hi - lo <= 1e-13 * beta) {
        beta = next;
        break;
      }
      beta = next;
    }
    double t = 1 / beta;
    return new Fit(t, before, nll(logits, labels, t), iterations, false);
  }

  /**
   * The expected calibration error of top-1 probabilities: {@value #ECE_BINS} equal-width bins
   * {@code (k/15, (k+1)/15]} (the first also takes 0), {@code sum over bins of (n_b / n) |accuracy_b - confidence_b|}.
   */
  public static double ece(float[][] probabilities, int[] labels) {
    long[] count = new long[ECE_BINS];
    double[] confidence = new double[ECE_BINS];
    long[] correct = new long[ECE_BINS];
    for (int i = 0; i < probabilities.length; i++) {
      float[] p = probabilities[i];
      int best = argmax(p);
      int b = bin(p[best], ECE_BINS);
      count[b]++;
      confidence[b] += p[best];
      correct[b] += best == labels[i] ? 1 : 0;
    }
    double ece = 0;
    for (int b = 0; b < ECE_BINS; b++) {
      if (count[b] > 0) {
        ece += (double) count[b] / probabilities.length * Math.abs((double) correct[b] / count[b]
            - confidence[b] / count[b]);
      }
    }
    return ece;
  }

  /** The bin of a top-1 probability among {@code bins} equal-width bins: {@code ceil(p * bins) - 1}, clamped. */
  public static int bin(double confidence, int bins) {
    int b = (int) Math.ceil(confidence * bins) - 1;
    return Math.max(0, Math.min(bins - 1, b));
  }

  /** The most probable class; the lowest index among equals. */
  public static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /** {NLL(β), dNLL/dβ, d²NLL/dβ²} averaged over the rows. */
  private static double[] derivatives(double[][] logits, int[] labels, double beta) {
    double f = 0;
    double g = 0;
    double h = 0;
    for (int i = 0; i < logits.length; i++) {
      double[] z = logits[i];
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, beta * v);
      }
      double sum = 0;
      double mean = 0;
      double square = 0;
      for (double v : z) {
        double e = Math.exp(beta * v - max);
        sum += e;
        mean += e * v;
        square += e * v * v;
      }
      mean /= sum;
      square /= sum;
      f += max + Math.log(sum) - beta * z[labels[i]];
      g += mean - z[labels[i]];
      h += Math.max(0, square - mean * mean);
    }
    int n = logits.length;
    return new double[] {f / n, g / n, h / n};
  }

  /** Every row's logits are equal: the NLL does not depend on T. */
  private static boolean uninformative(double[][] logits) {
    for (double[] z : logits) {
      for (double v : z) {
        if (v != z[0]) {
          return false;
        }
      }
    }
    return true;
  }

  private static void check(double[][] logits, int[] labels) {
    if (logits.length == 0 || logits.length != labels.length) {
      throw new IllegalArgumentException(logits.length + " rows of logits for " + labels.length + " labels");
    }
    int width = logits[0].length;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i].length != width || width < 2) {
        throw new IllegalArgumentException("row " + i + " has " + logits[i].length + " logits, expected " + width
            + " (at least 2)");
      }
      if (labels[i] < 0 || labels[i] >= width) {
        throw new IllegalArgumentException("row " + i + " has label " + labels[i] + " outside 0.." + (width - 1));
      }
      for (double v : logits[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("row " + i + " has a non-finite logit " + v);
        }
      }
    }
  }
}
