package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

class FaceNormalizerPropertiesTest {
  private final FaceNormalizer normalizer = new FaceNormalizer(48, 100_000_000L, 64L << 20);

  @Property(tries = 200)
  void outputIsAlwaysSizeBySizeOrABadBox(
      @ForAll @IntRange(min = 1, max = 300) int width, @ForAll @IntRange(min = 1, max = 300) int height,
      @ForAll @IntRange(min = -60, max = 320) int x, @ForAll @IntRange(min = -60, max = 320) int y,
      @ForAll @IntRange(min = 0, max = 360) int w, @ForAll @IntRange(min = 0, max = 360) int h,
      @ForAll boolean colour, @ForAll boolean encoded) throws RejectException {
    FaceBox box = new FaceBox(x, y, w, h);
    try (PointerScope scope = new PointerScope()) {
      Mat image = Fixtures.noise(width, height, colour ? CV_8UC3 : CV_8UC1, width * 31L + height);
      byte[] out = encoded ? normalizer.normalize(Fixtures.encode(image, ".png"), box)
          : normalizer.normalize(image, box);
      assertThat(out).hasSize(48 * 48);
      assertThat(box.clampTo(width, height).isEmpty()).isFalse();
    } catch (RejectException e) {
      assertThat(e.reason()).isEqualTo("bad-face-box");
      assertThat(box.clampTo(width, height).isEmpty()).isTrue();
    }
  }

  @Property(tries = 100)
  void grayPixelsOfAnySizeBecomeSizeBySize(
      @ForAll @IntRange(min = 1, max = 200) int width, @ForAll @IntRange(min = 1, max = 200) int height)
      throws RejectException {
    int[] values = new SplittableRandom(width * 1000L + height).ints((long) width * height, 0, 256).toArray();
    assertThat(normalizer.fromGrayPixels(values, width, height)).hasSize(48 * 48);
  }

  @Property(tries = 200)
  void tensorValuesAreAlwaysInUnitRange(@ForAll byte[] pixels) {
    float[] floats = Tensors.toUnitFloats(pixels);
    assertThat(floats).hasSize(pixels.length);
    for (int i = 0; i < floats.length; i++) {
      assertThat(floats[i]).isBetween(0f, 1f).isEqualTo((pixels[i] & 0xFF) / 255f);
    }
  }
}
