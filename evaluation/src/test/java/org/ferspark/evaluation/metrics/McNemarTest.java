package org.ferspark.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** McNemar's test against hand-computed values. */
class McNemarTest {

  @Test
  void exactBinomialBelowTwentyFiveDiscordantExamples() {
    PairTest t = McNemar.test("a", "b", 10, 2);
    assertThat(t.method()).isEqualTo(McNemar.EXACT);
    assertThat(t.statistic()).isNaN();
    // 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 * 79 / 4096
    assertThat(t.pValue()).isCloseTo(158 / 4096.0, within(1e-12)).isCloseTo(0.0386, within(5e-5));
    assertThat(McNemar.test("a", "b", 2, 10).pValue()).isCloseTo(t.pValue(), within(1e-15));
    // 24 discordant: still exact; 2 * sum_{k<=5} C(24,k) / 2^24
    assertThat(McNemar.test("a", "b", 5, 19).pValue()).isCloseTo(0.006610751152038574, within(1e-12));
    assertThat(McNemar.test("a", "b", 7, 7).pValue()).isEqualTo(1.0);
    assertThat(McNemar.test("a", "b", 0, 0).pValue()).isEqualTo(1.0);
  }

  @Test
  void chiSquareWithContinuityCorrectionFromTwentyFive() {
    PairTest t = McNemar.test("a", "b", 30, 15);
    assertThat(t.method()).isEqualTo(McNemar.CHI2);
    // (|30 - 15| - 1)^2 / 45 = 196 / 45; p = erfc(sqrt(x / 2))
    assertThat(t.statistic()).isCloseTo(196 / 45.0, within(1e-12));
    assertThat(t.pValue()).isCloseTo(0.03688842570704985, within(1e-9));
    assertThat(McNemar.test("a", "b", 12, 13).method()).isEqualTo(McNemar.CHI2);
    assertThat(McNemar.test("a", "b", 12, 13).pValue()).isCloseTo(1.0, within(1e-12));
    assertThat(McNemar.chi2P(3.841458820694124)).as("the 5 % critical value").isCloseTo(0.05, within(1e-9));
  }

  @Test
  void pairCountsGiveOneTestPerPairInOrder() {
    PairCounts counts = new PairCounts(3);
    for (int i = 0; i < 10; i++) {
      counts.add(new boolean[] {true, false, true});
    }
    for (int i = 0; i < 2; i++) {
      counts.add(new boolean[] {false, true, true});
    }
    counts.add(new boolean[] {true, true, true});
    counts.add(new boolean[] {false, false, false});

    List<PairTest> tests = counts.tests(List.of("m0", "m1", "m2"));

    assertThat(tests).extracting(PairTest::modelA, PairTest::modelB, PairTest::onlyA, PairTest::onlyB)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("m0", "m1", 10L, 2L),
            org.assertj.core.groups.Tuple.tuple("m0", "m2", 0L, 2L),
            org.assertj.core.groups.Tuple.tuple("m1", "m2", 0L, 10L));
    assertThat(tests.get(0).pValue()).isCloseTo(158 / 4096.0, within(1e-12));
  }
}
