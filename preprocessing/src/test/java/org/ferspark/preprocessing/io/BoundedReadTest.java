package org.ferspark.preprocessing.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BoundedReadTest {
  /** An endless stream of zeros that counts what was taken from it, as a lying zip entry would inflate. */
  private static final class Endless extends InputStream {
    long served;

    @Override
    public int read() {
      served++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      served += len;
      return len;
    }
  }

  @Test
  void stopsAnEndlessStreamJustPastTheBound() {
    Endless in = new Endless();
    assertThatThrownBy(() -> BoundedRead.readAtMost(in, 1 << 20, "configuration.json", "fer.limits.x"))
        .isInstanceOf(BoundedRead.TooLargeException.class)
        .hasMessage("configuration.json is larger than fer.limits.x = 1048576 bytes (a decompression bomb or not "
            + "this kind of file)");
    assertThat(in.served).as("read no more than the bound and one byte").isEqualTo((1 << 20) + 1);
    Endless counted = new Endless();
    assertThatThrownBy(() -> BoundedRead.countAtMost(counted, 1000, "coefficients.bin", "k"))
        .hasMessageContaining("coefficients.bin is larger than k = 1000");
    assertThat(counted.served).isLessThanOrEqualTo(1000 + 64 * 1024);
  }

  @Test
  void readsAStreamOfExactlyTheBound() throws IOException {
    byte[] data = new byte[4096];
    assertThat(BoundedRead.readAtMost(new ByteArrayInputStream(data), 4096, "x", "k")).hasSize(4096);
    assertThat(BoundedRead.countAtMost(new ByteArrayInputStream(data), 4096, "x", "k")).isEqualTo(4096);
  }

  @Test
  void refusesADeclaredSizeAboveTheBoundBeforeReading() {
    assertThatThrownBy(() -> BoundedRead.checkDeclared(2L << 30, 16 << 20, "configuration.json", "k"))
        .hasMessage("configuration.json is 2147483648 bytes, more than k = 16777216");
  }

  @Test
  void foldsMultiLineMessagesOntoOneLine() {
    assertThat(OneLine.of("Unexpected end-of-input\n at [Source: (String)\"{\"; line: 1, column: 2]\r\n  more"))
        .isEqualTo("Unexpected end-of-input at [Source: (String)\"{\"; line: 1, column: 2] more");
    assertThat(OneLine.of(null)).isNull();
  }
}
