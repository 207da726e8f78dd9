package org.ferspark.preprocessing.dataset.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FerShapedScaleSetTest {
  @TempDir Path tmp;

  @Test
  void linksTheSourcesUntilNInputsExist() throws IOException {
    Path fer = FerFixture.write(tmp.resolve("fer"), 2);
    Path out = tmp.resolve("scale");

    FerShapedScaleSet.Result result = FerShapedScaleSet.build(fer, out, 100);

    assertThat(result.inputs()).isEqualTo(100);
    assertThat(result.sources()).isEqualTo(14);
    assertThat(result.linksCreated()).isEqualTo(100);
    assertThat(FerShapedScaleSet.countInputs(out)).isEqualTo(100);
    assertThat(Files.list(out.resolve("happy")).count()).as("14 sources cycled: happy gets 7 rounds of 2, +1")
        .isBetween(14L, 16L);
    Path firstHappy = Files.list(out.resolve("happy")).sorted().findFirst().orElseThrow();
    assertThat(Files.getAttribute(firstHappy, "unix:nlink")).as("a hard link, not a copy")
        .isEqualTo(1 + (int) Files.list(out.resolve("happy"))
            .filter(p -> sameFile(p, firstHappy)).count());
  }

  @Test
  void isIdempotentAndRefusesToShrink() throws IOException {
    Path fer = FerFixture.write(tmp.resolve("fer"), 1);
    Path out = tmp.resolve("scale");
    FerShapedScaleSet.build(fer, out, 20);

    assertThat(FerShapedScaleSet.build(fer, out, 20).linksCreated()).isZero();
    assertThat(FerShapedScaleSet.build(fer, out, 30).linksCreated()).isEqualTo(10);
    assertThatThrownBy(() -> FerShapedScaleSet.build(fer, out, 5)).hasMessageContaining("more than the 5");
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
