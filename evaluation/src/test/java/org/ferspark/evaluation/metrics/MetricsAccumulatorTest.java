package org.ferspark.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Metrics against hand-computed cases, and merging against a single pass. */
class MetricsAccumulatorTest {
  private static final List<String> ABCD = List.of("a", "b", "c", "d");

  /**
   * Six examples, four classes: c has support but is never predicted, d is predicted once but has no support.
   * Confidences avoid bin edges (k / 15), which float probabilities would blur.
   */
  static MetricsAccumulator handCase() {
    MetricsAccumulator acc = new MetricsAccumulator(4);
    acc.add(0, new float[] {0.7f, 0.1f, 0.1f, 0.1f});     // right, conf .70
    acc.add(0, new float[] {0.3f, 0.62f, 0.04f, 0.04f});  // b, conf .62, true is 2nd
    acc.add(1, new float[] {0.1f, 0.78f, 0.06f, 0.06f});  // right, conf .78
    acc.add(1, new float[] {0.1f, 0.2f, 0.08f, 0.62f});   // d, conf .62, true is 2nd
    acc.add(2, new float[] {0.5f, 0.3f, 0.1f, 0.1f});     // a, conf .50, true ties d but ranks 3rd
    acc.add(2, new float[] {0.1f, 0.9f, 0f, 0f});         // b, conf .90, true has probability 0
    return acc;
  }

  @Test
  void handCaseWithAClassNeverPredictedAndAClassWithoutSupport() {
    Metrics m = handCase().toMetrics(ABCD);

    assertThat(m.examples()).isEqualTo(6);
    assertThat(m.confusion()).isDeepEqualTo(new long[][] {{1, 1, 0, 0}, {0, 1, 0, 1}, {1, 1, 0, 0}, {0, 0, 0, 0}});
    assertThat(m.accuracy()).isCloseTo(2 / 6.0, within(1e-12));
    assertThat(m.top2Accuracy()).isCloseTo(4 / 6.0, within(1e-12));
    ClassMetrics a = m.perClass().get(0);
    ClassMetrics b = m.perClass().get(1);
    ClassMetrics c = m.perClass().get(2);
    ClassMetrics d = m.perClass().get(3);
    assertThat(a).isEqualTo(new ClassMetrics("a", 0.5, 0.5, 0.5, 2, 2));
    assertThat(b.precision()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(b.recall()).isEqualTo(0.5);
    assertThat(b.f1()).isCloseTo(0.4, within(1e-12));
    assertThat(c).as("never predicted: precision 0, F1 0").isEqualTo(new ClassMetrics("c", 0, 0, 0, 2, 0));
    assertThat(d.precision()).as("predicted once, wrongly").isEqualTo(0);
    assertThat(d.recall()).as("no support").isNaN();
    assertThat(d.f1()).isNaN();
    assertThat(d.support()).isZero();
    assertThat(d.predicted()).isEqualTo(1);
    assertThat(m.macroF1()).as("over a, b, c; d has no support").isCloseTo((0.5 + 0.4 + 0) / 3, within(1e-12));
    assertThat(m.balancedAccuracy()).isCloseTo((0.5 + 0.5 + 0) / 3, within(1e-12));
    assertThat(m.ece()).isCloseTo((0.5 + 2 * 0.62 + 0.3 + 0.22 + 0.9) / 6, within(1e-6));
    double loss = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.78) + Math.log(0.2) + Math.log(0.1) + Math.log(1e-12));
    assertThat(m.meanLoss()).isCloseTo(loss / 6, within(1e-6));
  }

  @Test
  void calibrationBinsAndEceOfAHandCase() {
    MetricsAccumulator acc = new MetricsAccumulator(3);
    for (int i = 0; i < 4; i++) {
      acc.add(i < 3 ? 0 : 1, new float[] {0.9f, 0.05f, 0.05f});
    }
    acc.add(0, new float[] {0.45f, 0.35f, 0.2f});
    acc.add(1, new float[] {0.45f, 0.35f, 0.2f});

    Metrics m = acc.toMetrics(List.of("x", "y", "z"));

    assertThat(m.calibration()).hasSize(15);
    CalibrationBin high = m.calibration().get(13);
    assertThat(high.lower()).isCloseTo(13 / 15.0, within(1e-12));
    assertThat(high.upper()).isCloseTo(14 / 15.0, within(1e-12));
    assertThat(high.count()).isEqualTo(4);
    assertThat(high.accuracy()).isEqualTo(0.75);
    assertThat(high.meanConfidence()).isCloseTo(0.9, within(1e-6));
    CalibrationBin low = m.calibration().get(6);
    assertThat(low.count()).isEqualTo(2);
    assertThat(low.accuracy()).isEqualTo(0.5);
    assertThat(m.calibration().get(0).count()).isZero();
    assertThat(m.calibration().get(0).accuracy()).isNaN();
    assertThat(m.ece()).as("4/6 * |.75 - .9| + 2/6 * |.5 - .45|").isCloseTo(0.1 + 0.05 / 3, within(1e-6));
  }

  @Test
  void binEdgesBelongToTheLowerBin() {
    assertThat(MetricsAccumulator.bin(0)).isZero();
    assertThat(MetricsAccumulator.bin(1 / 15.0)).isZero();
    assertThat(MetricsAccumulator.bin(0.0667)).isEqualTo(1);
    assertThat(MetricsAccumulator.bin(1)).isEqualTo(14);
  }

  @Test
  void anEmptyAccumulatorGivesNaNNotAnException() {
    Metrics m = new MetricsAccumulator(2).toMetrics(List.of("x", "y"));
    assertThat(m.examples()).isZero();
    assertThat(m.accuracy()).isNaN();
    assertThat(m.macroF1()).isNaN();
    assertThat(m.ece()).isNaN();
  }

  @Test
  void mergingPartsInAnyOrderEqualsOneSinglePass() throws Exception {
    Random rnd = new Random(7);
    int classes = 7;
    int n = 2000;
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] p = new float[classes];
      float sum = 0;
      for (int c = 0; c < classes; c++) {
        p[c] = (float) Math.pow(rnd.nextDouble(), 3);
        sum += p[c];
      }
      for (int c = 0; c < classes; c++) {
        p[c] /= sum;
      }
      rows.add(new Object[] {"img-" + i, rnd.nextInt(classes), p});
    }
    EvaluationAccumulator single = accumulate(rows, 0, n);
    List<EvaluationAccumulator> parts = new ArrayList<>();
    int[] cuts = {0, 13, 13, 700, 1501, n};
    for (int k = 0; k + 1 < cuts.length; k++) {
      parts.add(roundTrip(accumulate(rows, cuts[k], cuts[k + 1])));
    }
    Collections.shuffle(parts, new Random(3));
    EvaluationAccumulator merged = parts.get(0);
    for (EvaluationAccumulator p : parts.subList(1, parts.size())) {
      merged.merge(p);
    }

    List<String> names = List.of("0", "1", "2", "3", "4", "5", "6");
    for (int m = 0; m < 2; m++) {
      Metrics a = single.plain(m).toMetrics(names);
      Metrics b = merged.plain(m).toMetrics(names);
      assertThat(b.confusion()).isDeepEqualTo(a.confusion());
      assertThat(b.perClass()).isEqualTo(a.perClass());
      assertThat(b.top2Accuracy()).isEqualTo(a.top2Accuracy());
      assertThat(b.ece()).isCloseTo(a.ece(), within(1e-9));
      assertThat(b.meanLoss()).isCloseTo(a.meanLoss(), within(1e-9));
      assertThat(b.calibration()).extracting(CalibrationBin::count)
          .isEqualTo(a.calibration().stream().map(CalibrationBin::count).toList());
      assertThat(merged.tta(m).toMetrics(names).confusion()).isDeepEqualTo(single.tta(m).toMetrics(names).confusion());
      assertThat(merged.samples(m).samples()).extracting(Sample::id)
          .isEqualTo(single.samples(m).samples().stream().map(Sample::id).toList());
    }
    assertThat(merged.pairs().onlyFirst(0, 1)).isEqualTo(single.pairs().onlyFirst(0, 1)).isPositive();
    assertThat(merged.pairs().onlyFirst(1, 0)).isEqualTo(single.pairs().onlyFirst(1, 0)).isPositive();
  }

  /** Two "models": the probabilities, and the probabilities shifted by one class; TTA = the same again. */
  private static EvaluationAccumulator accumulate(List<Object[]> rows, int from, int to) {
    EvaluationAccumulator acc = new EvaluationAccumulator(2, 7, true, 3, 2);
    for (Object[] r : rows.subList(from, to)) {
      float[] p = (float[]) r[2];
      float[] shifted = new float[p.length];
      for (int c = 0; c < p.length; c++) {
        shifted[(c + 1) % p.length] = p[c];
      }
      float[][] probs = {p, shifted};
      acc.add((String) r[0], new byte[4], (Integer) r[1], probs, probs);
    }
    return acc;
  }

  private static EvaluationAccumulator roundTrip(EvaluationAccumulator acc) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(acc);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (EvaluationAccumulator) in.readObject();
    }
  }
}
