package org.ferspark.realtime.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedNmsTest {
  @Test
  void overlappingBoxesBecomeTheirScoreWeightedMeanWithTheBestScore() {
    List<WeightedNms.Box> out = WeightedNms.apply(List.of(new WeightedNms.Box(0, 0, 10, 10, 0.9f),
        new WeightedNms.Box(2, 0, 12, 10, 0.3f), new WeightedNms.Box(50, 50, 60, 60, 0.6f)), 0.3);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).score()).isEqualTo(0.9f);
    assertThat(out.get(0).x0()).isCloseTo(0.5, within(1e-6));
    assertThat(out.get(0).x1()).isCloseTo(10.5, within(1e-6));
    assertThat(out.get(1)).isEqualTo(new WeightedNms.Box(50, 50, 60, 60, 0.6f));
  }

  @Test
  void aBoxMostlyInsideALargerBetterOneIsDropped() {
    WeightedNms.Box face = new WeightedNms.Box(0, 0, 100, 100, 0.8f);
    WeightedNms.Box eye = new WeightedNms.Box(10, 10, 40, 40, 0.6f);
    WeightedNms.Box other = new WeightedNms.Box(90, 90, 130, 130, 0.7f);
    assertThat(WeightedNms.dropContained(List.of(face, eye, other), 0.6)).containsExactly(face, other);
  }
}
