package org.ferspark.model.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.ferspark.preprocessing.config.FerConfig;
import org.junit.jupiter.api.Test;

class MinConfidenceTest {
  private static final List<String> NAMES = List.of("happy", "sad", "neutral");

  @Test
  void aFaceIsUncertainOnlyBelowTheThreshold() {
    float[] p = {0.5f, 0.3f, 0.2f};
    assertThat(MinConfidence.label(p, NAMES, 0.5)).as("equal to the threshold: covered").isEqualTo("happy");
    assertThat(MinConfidence.label(p, NAMES, Math.nextUp(0.5f))).isEqualTo(MinConfidence.UNCERTAIN);
    assertThat(MinConfidence.label(p, NAMES, 0.4999)).isEqualTo("happy");
    assertThat(MinConfidence.label(p, NAMES, 0)).as("0 never labels a face uncertain").isEqualTo("happy");
    assertThat(MinConfidence.label(new float[] {0f, 0f, 0f}, NAMES, 0)).isEqualTo("happy");
    assertThat(MinConfidence.label(new float[] {0f, 1f, 0f}, NAMES, 1)).as("only 1 itself passes 1").isEqualTo("sad");
    assertThat(MinConfidence.label(new float[] {0f, 0.9999f, 0f}, NAMES, 1)).isEqualTo(MinConfidence.UNCERTAIN);
    assertThat(MinConfidence.uncertain(0.9f, 0.9)).as("float 0.9 lies below double 0.9: compared in float").isFalse();
    assertThat(MinConfidence.uncertain(Math.nextDown(0.9f), 0.9)).isTrue();
  }

  @Test
  void theKeyIsBoundAndCheckedWithItsName() {
    assertThat(MinConfidence.from(FerConfig.load(null, List.of(), Map.of()))).isZero();
    assertThat(MinConfidence.from(FerConfig.load(null, List.of("fer.min-confidence=0.6"), Map.of()))).isEqualTo(0.6);
    for (String bad : List.of("-0.1", "1.5", "high")) {
      assertThatThrownBy(() -> MinConfidence.from(FerConfig.load(null, List.of("fer.min-confidence=" + bad),
          Map.of()))).isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.min-confidence");
    }
  }

  @Test
  void aModelWithAClassNamedUncertainNeedsThresholdZero() {
    List<String> odd = List.of("happy", "uncertain");
    MinConfidence.checkClassNames(odd, 0, "m.zip");
    assertThatThrownBy(() -> MinConfidence.checkClassNames(odd, 0.5, "m.zip"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("m.zip");
  }
}
