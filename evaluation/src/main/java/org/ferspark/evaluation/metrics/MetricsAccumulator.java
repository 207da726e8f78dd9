package org.ferspark.evaluation.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.model.calibrate.TemperatureScaling;

/**
 * The sufficient statistics of {@link Metrics} for one model: confusion counts, top-2 hits, {@value #BINS}
 * equal-width calibration bins on the top-1 probability (count, sum of confidence, correct count), the summed
 * cross-entropy, and for the {@link RiskCoverage} curve the faces and correct faces per {@code 1/1000} step of the
 * top-1 probability plus exact counts at the run's {@code fer.min-confidence}. {@link #add} one prediction at a
 * time, {@link #merge} partial results in any order, then {@link #toMetrics}: the counts do not depend on how the
 * examples were split.
 *
 * <p>Plain mutable fields and arrays (no records, no final fields), so Spark's Kryo and Java serialisation both
 * carry it between JVMs.
 */
public final class MetricsAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Calibration bins on the top-1 probability: {@code (k/15, (k+1)/15]}, the first also takes 0. */
  public static final int BINS = 15;
  /** Probabilities are clamped here before the logarithm of the loss. */
  public static final double LOSS_FLOOR = 1e-12;

  private int classes;
  private long[] confusion;
  private long top2;
  private long[] binCount;
  private double[] binConfidence;
  private long[] binCorrect;
  private double lossSum;
  private long[] stepCount;
  private long[] stepCorrect;
  private double minConfidence;
  private long minCovered;
  private long minCorrect;

  public MetricsAccumulator(int classes) {
    this(classes, 0);
  }

  /** @param minConfidence the threshold whose coverage and accuracy are counted exactly (0: none) */
  public MetricsAccumulator(int classes, double minConfidence) {
    if (classes < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + classes);
    }
    this.classes = classes;
    this.confusion = new long[classes * classes];
    this.binCount = new long[BINS];
    this.binConfidence = new double[BINS];
    this.binCorrect = new long[BINS];
    this.stepCount = new long[RiskCoverage.STEPS + 1];
    this.stepCorrect = new long[RiskCoverage.STEPS + 1];
    this.minConfidence = minConfidence;
  }

  /**
   * Counts one example.
   *
   * @param trueLabel index of the true class
   * @param probabilities one probability per class, in label order (ties go to the lower index)
   * @return the predicted class
   */
  public int add(int trueLabel, float[] probabilities) {
    if (probabilities.length != classes) {
      throw new IllegalArgumentException(probabilities.length + " probabilities for " + classes + " classes");
    }
    if (trueLabel < 0 || trueLabel >= classes) {
      throw new IllegalArgumentException("label " + trueLabel + " outside 0.." + (classes - 1));
    }
    int predicted = argmax(probabilities);
    confusion[trueLabel * classes + predicted]++;
    if (rank(probabilities, trueLabel) < 2) {
      top2++;
    }
    double confidence = probabilities[predicted];
    int bin = bin(confidence);
    binCount[bin]++;
    binConfidence[bin] += confidence;
    binCorrect[bin] += predicted == trueLabel ? 1 : 0;
    lossSum -= Math.log(Math.max(LOSS_FLOOR, probabilities[trueLabel]));
    int step = step(confidence);
    stepCount[step]++;
    stepCorrect[step] += predicted == trueLabel ? 1 : 0;
    if (!MinConfidence.uncertain(confidence, minConfidence)) {
      minCovered++;
      minCorrect += predicted == trueLabel ? 1 : 0;
    }
    return predicted;
  }

  /** Adds {@code other}'s counts into this one; returns this. */
  public MetricsAccumulator merge(MetricsAccumulator other) {
    if (other.classes != classes) {
      throw new IllegalArgumentException("cannot merge " + other.classes + " classes into " + classes);
    }
    if (other.minConfidence != minConfidence) {
      throw new IllegalArgumentException("cannot merge counts at min-confidence " + other.minConfidence + " into "
          + minConfidence);
    }
    for (int k = 0; k < stepCount.length; k++) {
      stepCount[k] += other.stepCount[k];
      stepCorrect[k] += other.stepCorrect[k];
    }
    minCovered += other.minCovered;
    minCorrect += other.minCorrect;
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += other.confusion[i];
    }
    for (int b = 0; b < BINS; b++) {
      binCount[b] += other.binCount[b];
      binConfidence[b] += other.binConfidence[b];
      binCorrect[b] += other.binCorrect[b];
    }
    top2 += other.top2;
    lossSum += other.lossSum;
    return this;
  }

  /** Examples counted so far. */
  public long examples() {
    long n = 0;
    for (long c : binCount) {
      n += c;
    }
    return n;
  }

  /** The metrics of everything added; {@code classNames} in label order. */
  public Metrics toMetrics(List<String> classNames) {
    if (classNames.size() != classes) {
      throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
    }
    long n = examples();
    long[][] matrix = new long[classes][classes];
    long correct = 0;
    for (int t = 0; t < classes; t++) {
      System.arraycopy(confusion, t * classes, matrix[t], 0, classes);
      correct += matrix[t][t];
    }
    List<ClassMetrics> perClass = new ArrayList<>();
    double f1Sum = 0;
    double recallSum = 0;
    int withSupport = 0;
    for (int c = 0; c < classes; c++) {
      ClassMetrics m = classMetrics(classNames.get(c), matrix, c);
      perClass.add(m);
      if (m.support() > 0) {
        withSupport++;
        f1Sum += m.f1();
        recallSum += m.recall();
      }
    }
    List<CalibrationBin> bins = new ArrayList<>();
    double ece = 0;
    for (int b = 0; b < BINS; b++) {
      long count = binCount[b];
      double conf = count == 0 ? Double.NaN : binConfidence[b] / count;
      double acc = count == 0 ? Double.NaN : (double) binCorrect[b] / count;
      bins.add(new CalibrationBin((double) b / BINS, (double) (b + 1) / BINS, count, conf, acc));
      if (count > 0) {
        ece += (double) count / n * Math.abs(acc - conf);
      }
    }
    RiskCoverage coverage = RiskCoverage.of(stepCount, stepCorrect,
        minConfidence > 0 ? RiskCoverage.Point.of(minConfidence, minCovered, minCorrect, n) : null);
    return new Metrics(n, ratio(correct, n), ratio(top2, n), withSupport == 0 ? Double.NaN : f1Sum / withSupport,
        withSupport == 0 ? Double.NaN : recallSum / withSupport, n == 0 ? Double.NaN : ece,
        n == 0 ? Double.NaN : lossSum / n, perClass, bins, matrix, classNames, coverage);
  }

  /** Precision 0 when nothing was predicted as the class, recall NaN without support, F1 0 when P + R = 0. */
  static ClassMetrics classMetrics(String name, long[][] matrix, int c) {
    long tp = matrix[c][c];
    long support = 0;
    long predicted = 0;
    for (int k = 0; k < matrix.length; k++) {
      support += matrix[c][k];
      predicted += matrix[k][c];
    }
    double precision = predicted == 0 ? 0 : (double) tp / predicted;
    double recall = support == 0 ? Double.NaN : (double) tp / support;
    double f1 = Double.isNaN(recall) ? Double.NaN
        : precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new ClassMetrics(name, precision, recall, f1, support, predicted);
  }

  /** The calibration bin of a top-1 probability: {@code ceil(p * 15) - 1}, clamped to {@code [0, 14]}. */
  static int bin(double confidence) {
    return TemperatureScaling.bin(confidence, BINS);
  }

  /**
   * The risk-coverage step of a top-1 probability: the largest {@code k} whose threshold {@code k / 1000} keeps it
   * ({@link MinConfidence#uncertain} is false; 0 for none), so that summing steps {@code >= k} counts exactly the
   * faces {@code fer.min-confidence = k / 1000} keeps.
   */
  static int step(double confidence) {
    int steps = RiskCoverage.STEPS;
    int k = Double.isNaN(confidence) ? 0 : (int) Math.max(0, Math.min(steps, Math.floor(confidence * steps)));
    while (k < steps && !MinConfidence.uncertain(confidence, RiskCoverage.threshold(k + 1))) {
      k++;
    }
    while (k > 0 && MinConfidence.uncertain(confidence, RiskCoverage.threshold(k))) {
      k--;
    }
    return k;
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

  /** How many classes rank above {@code c} (higher probability, or equal with a lower index). */
  static int rank(float[] p, int c) {
    int above = 0;
    for (int k = 0; k < p.length; k++) {
      if (p[k] > p[c] || (p[k] == p[c] && k < c)) {
        above++;
      }
    }
    return above;
  }

  private static double ratio(long a, long n) {
    return n == 0 ? Double.NaN : (double) a / n;
  }
}
