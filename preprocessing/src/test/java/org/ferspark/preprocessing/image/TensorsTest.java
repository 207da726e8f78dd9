package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorsTest {
  @Test
  void mapsZeroToZeroAnd255ToOne() {
    assertThat(Tensors.toUnitFloats(new byte[] {0, (byte) 255, (byte) 128}))
        .containsExactly(0f, 1f, 128 / 255f);
  }

  @Test
  void writesAtTheOffsetOfABatchArray() {
    float[] batch = new float[5];
    Tensors.toUnitFloats(new byte[] {(byte) 255, (byte) 255}, batch, 3);
    assertThat(batch).containsExactly(0f, 0f, 0f, 1f, 1f);
  }

  @Test
  void refusesAnOffsetThatDoesNotFit() {
    assertThatThrownBy(() -> Tensors.toUnitFloats(new byte[3], new float[4], 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void documentsTheNormalisation() {
    assertThat(Tensors.NORMALISATION).isEqualTo("x / 255");
  }
}
