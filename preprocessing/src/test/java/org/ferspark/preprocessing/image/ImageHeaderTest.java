package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {
  private static final List<String> HEADER_REASONS =
      List.of(ImageHeader.EMPTY_FILE, ImageHeader.UNSUPPORTED_FORMAT, ImageHeader.CORRUPT_HEADER);

  @Test
  void readsDimensionsOfEveryOpenCvEncodedFormat() throws RejectException {
    for (String ext : List.of(".png", ".jpg", ".bmp", ".tiff", ".webp")) {
      byte[] bytes = Fixtures.encode(Fixtures.noise(37, 21, CV_8UC3, 1), ext);
      ImageHeader header = ImageHeader.read(bytes);
      assertThat(header.width()).as(ext).isEqualTo(37);
      assertThat(header.height()).as(ext).isEqualTo(21);
    }
    assertThat(ImageHeader.read(Fixtures.encode(Fixtures.noise(5, 9, CV_16UC1, 1), ".tiff")))
        .isEqualTo(new ImageHeader("tiff", 5, 9));
  }

  @Test
  void namesTheFormat() throws RejectException {
    Object[][] cases = {{".png", "png"}, {".jpg", "jpeg"}, {".bmp", "bmp"}, {".tiff", "tiff"}, {".webp", "webp"}};
    for (Object[] c : cases) {
      byte[] bytes = Fixtures.encode(Fixtures.noise(4, 4, CV_8UC1, 2), (String) c[0]);
      assertThat(ImageHeader.read(bytes).format()).isEqualTo(c[1]);
    }
    assertThat(ImageHeader.read(Fixtures.gif1x1())).isEqualTo(new ImageHeader("gif", 1, 1));
  }

  @Test
  void readsHugeDeclaredSizesWithoutDecoding() throws RejectException {
    assertThat(ImageHeader.read(Fixtures.pngHeader(50_000, 50_000)).pixels()).isEqualTo(2_500_000_000L);
    assertThat(ImageHeader.read(Fixtures.jpegHeader(50_000, 50_000)))
        .isEqualTo(new ImageHeader("jpeg", 50_000, 50_000));
  }

  @Test
  void readsBmpCoreHeaderAndTopDownBmp() throws RejectException {
    ByteBuffer core = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
    core.put((byte) 'B').put((byte) 'M').putInt(26).putInt(0).putInt(26).putInt(12).putShort((short) 300)
        .putShort((short) 200);
    assertThat(ImageHeader.read(core.array())).isEqualTo(new ImageHeader("bmp", 300, 200));

    ByteBuffer topDown = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
    topDown.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54).putInt(40).putInt(64).putInt(-48);
    assertThat(ImageHeader.read(topDown.array())).isEqualTo(new ImageHeader("bmp", 64, 48));
  }

  @Test
  void rejectsEmptyInputAsEmptyFile() {
    assertReason(new byte[0], ImageHeader.EMPTY_FILE);
  }

  @Test
  void rejectsTextAndUnknownMagicAsUnsupportedFormat() {
    assertReason("happy,0,0,255\n".getBytes(StandardCharsets.UTF_8), ImageHeader.UNSUPPORTED_FORMAT);
    assertReason(new byte[] {0x42}, ImageHeader.UNSUPPORTED_FORMAT);
  }

  @Test
  void rejectsZeroDeclaredDimensionsAsCorruptHeader() {
    assertReason(Fixtures.pngHeader(0, 10), ImageHeader.CORRUPT_HEADER);
    assertReason(Fixtures.jpegHeader(10, 0), ImageHeader.CORRUPT_HEADER);
    assertReason(Fixtures.pngHeader(-1, 10), ImageHeader.CORRUPT_HEADER);
  }

  @Property(tries = 2000)
  void neverThrowsAnythingButRejectOnArbitraryBytes(@ForAll("anyBytes") byte[] bytes) {
    readOrReject(bytes);
  }

  @Property(tries = 300)
  void neverThrowsAnythingButRejectBehindKnownMagic(@ForAll("magicThenNoise") byte[] bytes) {
    readOrReject(bytes);
  }

  @Test
  void headerCutAtEveryLengthIsEitherRejectedOrReadCorrectly() throws RejectException {
    List<byte[]> valid = List.of(
        Fixtures.encode(Fixtures.noise(33, 17, CV_8UC3, 3), ".png"),
        Fixtures.encode(Fixtures.noise(33, 17, CV_8UC3, 3), ".jpg"),
        Fixtures.encode(Fixtures.noise(33, 17, CV_8UC3, 3), ".bmp"),
        Fixtures.encode(Fixtures.noise(33, 17, CV_8UC3, 3), ".tiff"),
        Fixtures.encode(Fixtures.noise(33, 17, CV_8UC3, 3), ".webp"),
        Fixtures.gif1x1());
    for (byte[] full : valid) {
      ImageHeader expected = ImageHeader.read(full);
      for (int length = 0; length < full.length; length++) {
        ImageHeader got = readOrReject(Arrays.copyOf(full, length));
        if (got != null) {
          assertThat(got).as("%s cut at %d", expected.format(), length).isEqualTo(expected);
        }
      }
    }
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(256);
  }

  @Provide
  Arbitrary<byte[]> magicThenNoise() {
    Arbitrary<byte[]> magic = Arbitraries.of(
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
        new byte[] {'B', 'M'}, new byte[] {'I', 'I', 42, 0}, new byte[] {'M', 'M', 0, 42},
        new byte[] {'G', 'I', 'F', '8'}, "RIFF\0\0\0\0WEBPVP8L".getBytes(StandardCharsets.ISO_8859_1),
        "RIFF\0\0\0\0WEBPVP8X".getBytes(StandardCharsets.ISO_8859_1));
    return magic.flatMap(m -> Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(tail -> concat(m, tail)));
  }

  private static ImageHeader readOrReject(byte[] bytes) {
    try {
      ImageHeader header = ImageHeader.read(bytes);
      assertThat(header.width()).isPositive();
      assertThat(header.height()).isPositive();
      return header;
    } catch (RejectException e) {
      assertThat(e.reason()).isIn(HEADER_REASONS);
      return null;
    }
  }

  private static void assertReason(byte[] bytes, String reason) {
    assertThatThrownBy(() -> ImageHeader.read(bytes)).isInstanceOf(RejectException.class)
        .extracting(e -> ((RejectException) e).reason()).isEqualTo(reason);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
