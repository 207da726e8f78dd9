package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.ferspark.preprocessing.config.FerConfig;
import org.junit.jupiter.api.Test;

class AugmenterTest {
  private static final AugmentParams DEFAULTS = new AugmentParams(15, 0.9, 1.1, 4, true);
  private final Augmenter augmenter = new Augmenter(DEFAULTS, 48);

  @Property(tries = 100)
  void sameIdCopyAndSeedGiveTheSameBytes(@ForAll @StringLength(max = 40) String id,
      @ForAll @IntRange(max = 20) int copy, @ForAll long seed) {
    byte[] face = face(seed);
    Augmenter.Augmented first = augmenter.augment(face, id, copy, seed);
    Augmenter.Augmented second = new Augmenter(DEFAULTS, 48).augment(face.clone(), id, copy, seed);
    assertThat(second.pixels()).isEqualTo(first.pixels());
    assertThat(second.description()).isEqualTo(first.description());
  }

  @Property(tries = 100)
  void anotherCopyIndexGivesOtherBytes(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String id,
      @ForAll @IntRange(max = 20) int copy, @ForAll long seed) {
    byte[] face = face(seed);
    assertThat(augmenter.augment(face, id, copy + 1, seed).pixels())
        .isNotEqualTo(augmenter.augment(face, id, copy, seed).pixels());
  }

  @Property(tries = 100)
  void flippingTwiceIsTheIdentity(@ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int size) {
    Augmenter flipOnly = new Augmenter(new AugmentParams(0, 1, 1, 0, true), size, 1.0);
    byte[] face = face(seed, size);
    Augmenter.Augmented once = flipOnly.augment(face, new SplittableRandom(seed));
    assertThat(once.description()).endsWith("flip=1");
    assertThat(flipOnly.augment(once.pixels(), new SplittableRandom(seed)).pixels()).isEqualTo(face);
  }

  @Test
  void flipMirrorsEachRow() {
    Augmenter flipOnly = new Augmenter(new AugmentParams(0, 1, 1, 0, true), 3, 1.0);
    byte[] face = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertThat(flipOnly.augment(face, new SplittableRandom(1)).pixels())
        .containsExactly(3, 2, 1, 6, 5, 4, 9, 8, 7);
  }

  @Test
  void noAugmentationIsTheIdentity() {
    byte[] face = face(3);
    Augmenter.Augmented out = new Augmenter(AugmentParams.none(), 48).augment(face, "a", 0, 1);
    assertThat(out.pixels()).isEqualTo(face);
    assertThat(out.description()).isEqualTo("rot=+0.00;zoom=1.000;shift=0.0,0.0;flip=0");
  }

  @Test
  void photometricTransformsLeaveTheGeometricDrawsAloneAndAreReproducible() {
    AugmentParams geometric = new AugmentParams(10, 0.9, 1.1, 4, true);
    AugmentParams photometric = new AugmentParams(10, 0.9, 1.1, 4, true, 0.2, 0.3, 1.0);
    byte[] face = face(8);
    Augmenter.Augmented g = new Augmenter(geometric, 48).augment(face, "img", 1, 42);
    Augmenter.Augmented p = new Augmenter(photometric, 48).augment(face, "img", 1, 42);
    assertThat(p.description()).as("same geometric draws, photometric ones appended")
        .startsWith(g.description() + ";bri=").contains(";con=").contains(";erase=");
    assertThat(p.pixels()).isNotEqualTo(g.pixels())
        .isEqualTo(new Augmenter(photometric, 48).augment(face, "img", 1, 42).pixels());
  }

  @Test
  void brightnessShiftsAndContrastScalesAboutTheMean() {
    byte[] face = new byte[48 * 48];
    for (int i = 0; i < face.length; i++) {
      face[i] = (byte) (100 + (i % 2) * 40);
    }
    AugmentParams params = new AugmentParams(0, 1, 1, 0, false, 0.1, 0.5, 0);
    for (long seed = 0; seed < 20; seed++) {
      Augmenter.Augmented out = new Augmenter(params, 48).augment(face, "x", 0, seed);
      double shift = Double.parseDouble(out.description().replaceAll(".*bri=([^;]*);.*", "$1"));
      double factor = Double.parseDouble(out.description().replaceAll(".*con=([^;]*)$", "$1"));
      assertThat(Math.abs(shift)).isLessThanOrEqualTo(0.1 * 255);
      assertThat(factor).isBetween(0.5, 1.5);
      // mean 120, the two levels at 120 -+ 20: after the transform 120 + shift -+ 20 * factor (the description
      // rounds shift and factor, hence the tolerance of one grey level)
      assertThat((double) (out.pixels()[0] & 0xff)).isCloseTo(120 - 20 * factor + shift, within(1.0));
      assertThat((double) (out.pixels()[1] & 0xff)).isCloseTo(120 + 20 * factor + shift, within(1.0));
    }
  }

  @Test
  void randomErasingFillsOneRectangleOfTwoToTwentyPercent() {
    byte[] flat = new byte[48 * 48];
    java.util.Arrays.fill(flat, (byte) 77);
    AugmentParams erase = new AugmentParams(0, 1, 1, 0, false, 0, 0, 1.0);
    for (long seed = 0; seed < 30; seed++) {
      Augmenter.Augmented out = new Augmenter(erase, 48).augment(flat, "x", 0, seed);
      String[] r = out.description().replaceAll(".*erase=(\\d+),(\\d+),(\\d+)x(\\d+)$", "$1 $2 $3 $4").split(" ");
      int left = Integer.parseInt(r[0]);
      int top = Integer.parseInt(r[1]);
      int w = Integer.parseInt(r[2]);
      int h = Integer.parseInt(r[3]);
      assertThat(w * h).as("area, seed %s", seed).isBetween((int) (0.02 * 48 * 48) - 48, (int) (0.2 * 48 * 48) + 48);
      for (int y = 0; y < 48; y++) {
        for (int x = 0; x < 48; x++) {
          boolean inside = x >= left && x < left + w && y >= top && y < top + h;
          if (!inside) {
            assertThat(out.pixels()[y * 48 + x]).as("outside the rectangle, seed %s", seed).isEqualTo((byte) 77);
          }
        }
      }
    }
    AugmentParams never = new AugmentParams(0, 1, 1, 0, false, 0, 0, 0);
    assertThat(new Augmenter(never, 48).augment(flat, "x", 0, 1).pixels()).isEqualTo(flat);
  }

  @Test
  void shiftMovesPixelsByWholePixels() {
    Augmenter shiftOnly = new Augmenter(new AugmentParams(0, 1, 1, 4, false), 48);
    byte[] face = face(4);
    Augmenter.Augmented out = shiftOnly.augment(face, "img-7", 2, 42);
    String[] shift = out.description().replaceAll(".*shift=([^;]*);.*", "$1").split(",");
    int dx = (int) Double.parseDouble(shift[0]);
    int dy = (int) Double.parseDouble(shift[1]);
    for (int y = 4; y < 44; y++) {
      for (int x = 4; x < 44; x++) {
        assertThat(out.pixels()[(y + dy) * 48 + x + dx]).isEqualTo(face[y * 48 + x]);
      }
    }
  }

  @Property(tries = 100)
  void outputIsAlwaysSizeBySize(@ForAll @IntRange(min = 1, max = 96) int size,
      @ForAll @DoubleRange(min = 0, max = 180) double rotation, @ForAll @DoubleRange(min = 0.5, max = 1) double zmin,
      @ForAll @DoubleRange(min = 1, max = 2) double zmax, @ForAll @IntRange(max = 20) int shift,
      @ForAll boolean flip, @ForAll long seed) {
    Augmenter any = new Augmenter(new AugmentParams(rotation, zmin, zmax, shift, flip), size);
    Augmenter.Augmented out = any.augment(face(seed, size), "id", 0, seed);
    assertThat(out.pixels()).hasSize(size * size);
    assertThat(out.description()).matches("rot=[+-]\\d+\\.\\d\\d;zoom=\\d\\.\\d{3};shift=-?\\d+\\.0,-?\\d+\\.0;flip=[01]");
  }

  @Test
  void survivesJavaSerialisationForSparkClosures() throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(augmenter);
    }
    Augmenter copy = (Augmenter) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
    byte[] face = face(5);
    assertThat(copy.augment(face, "x", 1, 9).pixels()).isEqualTo(augmenter.augment(face, "x", 1, 9).pixels());
  }

  @Test
  void seedsAreStableAcrossRunsAndDependOnEveryPart() {
    assertThat(Seeds.of("a", 1, 42)).isNotEqualTo(Seeds.of("a", 0, 42)).isNotEqualTo(Seeds.of("a", 1, 43));
    assertThat(Seeds.of("a1", 0, 42)).isNotEqualTo(Seeds.of("a", 10, 42));
    // first 8 bytes of sha256("Training_10019449.jpg\0" + "0\0" + "42"), computed with Python's hashlib
    assertThat(Seeds.of("Training_10019449.jpg", 0, 42)).isEqualTo(0x7cf811b6f1bca546L);
  }

  @Test
  void readsParamsFromConfig() {
    assertThat(AugmentParams.fromConfig(ConfigFactory.defaultReference())).isEqualTo(DEFAULTS);
  }

  @Test
  void namesTheKeyOfAnInvalidParam() {
    assertThatThrownBy(() -> AugmentParams.fromConfig(ConfigFactory.parseString(
        "fer.preprocess.augment.zoom-max = 0.5").withFallback(ConfigFactory.defaultReference())))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.preprocess.augment.zoom-max");
    assertThatThrownBy(() -> new AugmentParams(15, 0, 1, 4, true)).hasMessageContaining("zoom-min");
    assertThatThrownBy(() -> new AugmentParams(-1, 1, 1, 4, true)).hasMessageContaining("max-rotation-deg");
    assertThatThrownBy(() -> new AugmentParams(0, 1, 1, -1, true)).hasMessageContaining("max-shift-px");
    assertThatThrownBy(() -> new AugmentParams(0, 1, 1, 0, true, 1.5, 0, 0)).hasMessageContaining("brightness");
    assertThatThrownBy(() -> new AugmentParams(0, 1, 1, 0, true, 0, -0.1, 0)).hasMessageContaining("contrast");
    assertThatThrownBy(() -> new AugmentParams(0, 1, 1, 0, true, 0, 0, 2)).hasMessageContaining("erasing-probability");
  }

  @Test
  void refusesAFaceOfTheWrongSize() {
    assertThatThrownBy(() -> augmenter.augment(new byte[10], "a", 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48×48");
  }

  private static byte[] face(long seed) {
    return face(seed, 48);
  }

  private static byte[] face(long seed, int size) {
    byte[] face = new byte[size * size];
    new SplittableRandom(seed).nextBytes(face);
    return face;
  }
}
