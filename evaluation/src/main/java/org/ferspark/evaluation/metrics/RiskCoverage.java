package org.ferspark.evaluation.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy against coverage when faces whose top probability is below a threshold are set aside as "uncertain"
 * ({@code fer.min-confidence}): at each threshold, the share of faces kept and the accuracy on them. Temperature
 * scaling never changes which faces a threshold keeps relative to each other (it preserves the ranking), only which
 * threshold gives which coverage.
 *
 * @param examples faces scored
 * @param curve one point per threshold {@code k / }{@value #STEPS}, {@code k = 0..}{@value #STEPS}, ascending
 * @param atMinConfidence the point at the run's {@code --min-confidence}, counted exactly; null when it is 0
 */
public record RiskCoverage(long examples, List<Point> curve, Point atMinConfidence) {
  /** The curve's thresholds are multiples of {@code 1 / STEPS}. */
  public static final int STEPS = 1000;
  /** The thresholds of the report's table and of {@code metrics.json}. */
  public static final List<Double> TABLE = List.of(0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);

  /**
   * Faces kept at one threshold.
   *
   * @param threshold faces with top probability at least this are kept
   * @param covered faces kept
   * @param correct kept faces classified correctly
   * @param coverage {@code covered / examples} (NaN without examples)
   * @param accuracy {@code correct / covered} (NaN when nothing is kept)
   */
  public record Point(double threshold, long covered, long correct, double coverage, double accuracy) {
    static Point of(double threshold, long covered, long correct, long examples) {
      return new Point(threshold, covered, correct, examples == 0 ? Double.NaN : (double) covered / examples,
          covered == 0 ? Double.NaN : (double) correct / covered);
    }
  }

  public RiskCoverage {
    curve = List.copyOf(curve);
  }

  /**
   * The curve from per-step counts: {@code count[k]} faces with top probability in {@code [k/STEPS, (k+1)/STEPS)}
   * ({@code count[STEPS]}: exactly 1), {@code correct[k]} of them right.
   */
  static RiskCoverage of(long[] count, long[] correct, Point atMinConfidence) {
    List<Point> points = new ArrayList<>(STEPS + 1);
    long examples = 0;
    for (long c : count) {
      examples += c;
    }
    long covered = 0;
    long right = 0;
    Point[] reversed = new Point[STEPS + 1];
    for (int k = STEPS; k >= 0; k--) {
      covered += count[k];
      right += correct[k];
      reversed[k] = Point.of(threshold(k), covered, right, examples);
    }
    points.addAll(List.of(reversed));
    return new RiskCoverage(examples, points, atMinConfidence);
  }

  /** The curve's threshold {@code k / STEPS}. */
  static double threshold(int k) {
    return (double) k / STEPS;
  }

  /** The point at a threshold of the curve (a multiple of {@code 1 / STEPS}); else the nearest lower one. */
  public Point at(double threshold) {
    int k = (int) Math.floor(threshold * STEPS + 1e-9);
    return curve.get(Math.max(0, Math.min(STEPS, k)));
  }

  /** The points at the {@link #TABLE} thresholds. */
  public List<Point> table() {
    return TABLE.stream().map(this::at).toList();
  }
}
