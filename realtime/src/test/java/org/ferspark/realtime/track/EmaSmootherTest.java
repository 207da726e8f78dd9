package org.ferspark.realtime.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmaSmootherTest {

  @Test
  void startsFromTheFirstObservationThenMovesByAlpha() {
    EmaSmoother ema = new EmaSmoother(0.25);
    assertThat(ema.update(1, new float[] {1, 0})).containsExactly(1f, 0f);
    assertThat(ema.update(1, new float[] {0, 1})).containsExactly(new float[] {0.75f, 0.25f}, within(1e-6f));
    // 0.25 * 0 + 0.75 * 0.75 = 0.5625
    assertThat(ema.update(1, new float[] {0, 1})).containsExactly(new float[] {0.5625f, 0.4375f}, within(1e-6f));
  }

  @Test
  void labelDoesNotFlickerOnASingleOutlierFrame() {
    EmaSmoother ema = new EmaSmoother(0.3);
    for (int i = 0; i < 5; i++) {
      ema.update(7, new float[] {0.8f, 0.2f});
    }
    float[] afterOutlier = ema.update(7, new float[] {0.1f, 0.9f});
    assertThat(afterOutlier[0]).as("still class 0 after one contrary frame").isGreaterThan(afterOutlier[1]);
  }

  @Test
  void alphaOneIsNoSmoothing() {
    EmaSmoother ema = new EmaSmoother(1.0);
    ema.update(1, new float[] {0.9f, 0.1f});
    assertThat(ema.update(1, new float[] {0.2f, 0.8f})).containsExactly(0.2f, 0.8f);
  }

  @Test
  void keepsSeparateStatePerIdAndForgetsDroppedIds() {
    EmaSmoother ema = new EmaSmoother(0.5);
    ema.update(1, new float[] {1, 0});
    assertThat(ema.update(2, new float[] {0, 1})).as("a new id starts fresh").containsExactly(0f, 1f);
    ema.retain(List.of(2));
    assertThat(ema.size()).isEqualTo(1);
    assertThat(ema.update(1, new float[] {0, 1})).as("a forgotten id starts fresh").containsExactly(0f, 1f);
  }

  @Test
  void rejectsAlphaOutsideZeroToOne() {
    assertThatThrownBy(() -> new EmaSmoother(0)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new EmaSmoother(1.5)).hasMessageContaining("(0, 1]");
  }
}
