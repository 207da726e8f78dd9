package org.ferspark.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RiskCoverageTest {
  private static final List<String> TWO = List.of("a", "b");
  /** Two-class probabilities and true classes; the top-1 probabilities are 0.9, 0.8, 0.6, 0.5 and 0.7. */
  private static final float[][] PROBS = {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.6f, 0.4f}, {0.5f, 0.5f}, {0.3f, 0.7f}};
  private static final int[] LABELS = {0, 1, 0, 0, 0};

  private static MetricsAccumulator counted(double minConfidence, int from, int to) {
    MetricsAccumulator acc = new MetricsAccumulator(2, minConfidence);
    for (int i = from; i < to; i++) {
      acc.add(LABELS[i], PROBS[i]);
    }
    return acc;
  }

  @Test
  void coverageAndAccuracyOfASmallKnownExample() {
    // top-1: 0.9 (a, right), 0.8 (a, wrong), 0.6 (a, right), 0.5 (tie -> a, right), 0.7 (b, wrong)
    RiskCoverage rc = counted(0.55, 0, 5).toMetrics(TWO).riskCoverage();

    assertThat(rc.examples()).isEqualTo(5);
    assertThat(rc.at(0)).isEqualTo(RiskCoverage.Point.of(0, 5, 3, 5));
    assertThat(rc.at(0.5).covered()).as("0.5 itself is kept").isEqualTo(5);
    assertThat(rc.at(0.6).covered()).isEqualTo(4);
    assertThat(rc.at(0.6).accuracy()).isCloseTo(2.0 / 4, within(1e-12));
    assertThat(rc.at(0.7)).isEqualTo(RiskCoverage.Point.of(0.7, 3, 1, 5));
    assertThat(rc.at(0.8).covered()).isEqualTo(2);
    assertThat(rc.at(0.9)).as("a float 0.9 is kept at 0.9").isEqualTo(RiskCoverage.Point.of(0.9, 1, 1, 5));
    assertThat(rc.at(0.901).covered()).isZero();
    assertThat(rc.at(0.901).accuracy()).isNaN();
    assertThat(rc.atMinConfidence()).as("exact at --min-confidence 0.55")
        .isEqualTo(RiskCoverage.Point.of(0.55, 4, 2, 5));
    assertThat(rc.curve()).hasSize(RiskCoverage.STEPS + 1);
    assertThat(rc.table()).extracting(RiskCoverage.Point::covered).containsExactly(5L, 5L, 5L, 5L, 4L, 3L, 2L, 1L);
    assertThat(counted(0, 0, 5).toMetrics(TWO).riskCoverage().atMinConfidence()).as("0: no threshold").isNull();
  }

  @Test
  void mergedPartsCountAsOne() {
    Metrics whole = counted(0.55, 0, 5).toMetrics(TWO);
    Metrics merged = counted(0.55, 0, 2).merge(counted(0.55, 2, 5)).toMetrics(TWO);
    assertThat(merged.riskCoverage()).isEqualTo(whole.riskCoverage());
    EvaluationAccumulator a = new EvaluationAccumulator(1, 2, false, 0, 2, 0.55);
    EvaluationAccumulator b = new EvaluationAccumulator(1, 2, false, 0, 2, 0.55);
    a.addUncalibrated(0, 0, PROBS[0]);
    b.addUncalibrated(0, 1, PROBS[1]);
    EvaluationAccumulator empty = new EvaluationAccumulator(1, 2, false, 0, 2, 0.55);
    assertThat(empty.merge(a).merge(b).uncalibrated(0).examples()).isEqualTo(2);
    assertThat(new EvaluationAccumulator(1, 2, false, 0, 2).uncalibrated(0)).isNull();
  }

  @Test
  void everyTopProbabilityLandsOnTheStepThatKeepsIt() {
    assertThat(MetricsAccumulator.step(0)).isZero();
    assertThat(MetricsAccumulator.step(0.0005f)).isZero();
    assertThat(MetricsAccumulator.step(0.3f)).isEqualTo(300);
    assertThat(MetricsAccumulator.step(0.9f)).isEqualTo(900);
    assertThat(MetricsAccumulator.step(Math.nextDown(0.9f))).isEqualTo(899);
    assertThat(MetricsAccumulator.step(1f)).isEqualTo(RiskCoverage.STEPS);
  }
}
