package org.ferspark.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WilsonTest {
  @Test
  void matchesPublishedIntervals() {
    // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 .. 0.3662; 15/148 -> 0.0624 .. 0.1605
    double[] a = Wilson.interval95(81, 263);
    assertThat(a[0]).isCloseTo(0.2553, within(1e-4));
    assertThat(a[1]).isCloseTo(0.3662, within(1e-4));
    double[] b = Wilson.interval95(15, 148);
    assertThat(b[0]).isCloseTo(0.0624, within(1e-4));
    assertThat(b[1]).isCloseTo(0.1605, within(1e-4));
  }

  @Test
  void staysInsideZeroToOneAndIsUndefinedWithoutExamples() {
    double[] all = Wilson.interval95(5, 5);
    assertThat(all[1]).isEqualTo(1.0);
    assertThat(all[0]).isCloseTo(0.5655, within(1e-4)).isLessThan(1);
    assertThat(Wilson.interval95(0, 5)[0]).isZero();
    assertThat(Wilson.interval95(0, 0)).containsExactly(Double.NaN, Double.NaN);
  }
}
