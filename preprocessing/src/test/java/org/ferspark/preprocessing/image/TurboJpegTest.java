package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_RST_INTERVAL;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TurboJpeg} against OpenCV's {@code imdecode}: the same pixels, bit for bit, wherever it decodes, and
 * OpenCV's result wherever it declines. Needs the system's libturbojpeg ({@code apt-get install libturbojpeg0},
 * which {@code .ci/run} installs); skipped without it.
 *
 * <p>{@code src/test/resources/jpeg/}: 61×47 colour noise saved by Pillow 9.4 with chroma subsampling 4:4:4, 4:2:2
 * and progressive 4:2:0, and as CMYK (OpenCV's encoder writes only 4:2:0 colour).
 */
class TurboJpegTest {
  private final FaceNormalizer normalizer = new FaceNormalizer(48, 50_000_000L, 64L << 20);

  @BeforeEach
  void needsTheLibrary() {
    FaceNormalizer.loadNatives();
    assumeThat(TurboJpeg.available()).as("libturbojpeg is installed (apt-get install libturbojpeg0)").isTrue();
  }

  @Test
  void everySampleFaceDecodesAsOpenCvDecodesIt() throws IOException, RejectException {
    Path sample = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sample)) {
      files = walk.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(100);
    for (Path file : files) {
      byte[] jpeg = Files.readAllBytes(file);
      assertSameAsOpenCv(jpeg, file.toString());
    }
  }

  @Test
  void colourJpegsOfEverySubsamplingProgressiveAndWithRestartsDecodeAsOpenCvDecodesThem()
      throws IOException, RejectException {
    List<byte[]> jpegs = new ArrayList<>();
    for (String name : List.of("colour-444.jpg", "colour-422.jpg", "colour-420-progressive.jpg")) {
      jpegs.add(resource(name));
    }
    try (PointerScope scope = new PointerScope()) {
      Mat noise = Fixtures.noise(401, 299, CV_8UC3, 11);
      jpegs.add(encode(noise, IMWRITE_JPEG_QUALITY, 95));
      jpegs.add(encode(noise, IMWRITE_JPEG_PROGRESSIVE, 1));
      jpegs.add(encode(noise, IMWRITE_JPEG_RST_INTERVAL, 3));
      jpegs.add(encode(Fixtures.noise(37, 53, CV_8UC1, 12), IMWRITE_JPEG_QUALITY, 80));
    }
    for (int i = 0; i < jpegs.size(); i++) {
      assertSameAsOpenCv(jpegs.get(i), "colour JPEG " + i);
    }
  }

  @Test
  void aJpegWithAnOrientationIsLeftToOpenCvWhichTurnsItUpright() throws RejectException {
    byte[] plain;
    try (PointerScope scope = new PointerScope()) {
      plain = encode(Fixtures.noise(40, 24, CV_8UC1, 3), IMWRITE_JPEG_QUALITY, 90);
    }
    byte[] rotated = withExifOrientation(plain, 6);
    assertThat(ImageHeader.jpegHasApp1BeforeScan(plain)).isFalse();
    assertThat(ImageHeader.jpegHasApp1BeforeScan(rotated)).isTrue();
    assertThat(TurboJpeg.decode(rotated, ImageHeader.read(rotated), true)).as("declined").isNull();
    try (PointerScope scope = new PointerScope()) {
      Mat upright = normalizer.decode(rotated, IMREAD_GRAYSCALE);
      assertThat(new int[] {upright.cols(), upright.rows()}).as("turned by 90°").containsExactly(24, 40);
      assertThat(bytes(upright)).isEqualTo(bytes(opencv(rotated, IMREAD_GRAYSCALE)));
    }
  }

  @Test
  void corruptStreamsAndCmykAreLeftToOpenCv() throws IOException, RejectException {
    byte[] corrupt = Fixtures.sampleJpeg().clone();
    for (int i = corrupt.length / 2; i < corrupt.length / 2 + 40; i += 3) {
      corrupt[i] = (byte) (corrupt[i] ^ 0x5A);
    }
    assertThat(TurboJpeg.decode(corrupt, ImageHeader.read(corrupt), true)).as("a libjpeg warning: declined").isNull();
    try (PointerScope scope = new PointerScope()) {
      assertThat(bytes(normalizer.decode(corrupt, IMREAD_GRAYSCALE))).isEqualTo(bytes(opencv(corrupt,
          IMREAD_GRAYSCALE)));
    }
    byte[] cmyk = resource("cmyk.jpg");
    assertThat(TurboJpeg.decode(cmyk, ImageHeader.read(cmyk), true)).isNull();
    assertThat(TurboJpeg.decode(cmyk, ImageHeader.read(cmyk), false)).isNull();
    try (PointerScope scope = new PointerScope()) {
      assertThat(bytes(normalizer.decode(cmyk, IMREAD_COLOR))).isEqualTo(bytes(opencv(cmyk, IMREAD_COLOR)));
    }
  }

  @Test
  void markersThatCannotBeWalkedSendTheJpegToOpenCv() {
    byte[] header = Fixtures.jpegHeader(48, 48);
    assertThat(ImageHeader.jpegHasApp1BeforeScan(header)).as("no scan before the end").isTrue();
    assertThat(ImageHeader.jpegHasApp1BeforeScan(new byte[] {(byte) 0xFF, (byte) 0xD8, 0x12, 0x34, 0, 0})).isTrue();
    assertThat(ImageHeader.jpegHasApp1BeforeScan(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 1, 0, 0}))
        .as("segment length below 2").isTrue();
  }

  private static void assertSameAsOpenCv(byte[] jpeg, String what) throws RejectException {
    for (int flags : new int[] {IMREAD_GRAYSCALE, IMREAD_COLOR}) {
      try (PointerScope scope = new PointerScope()) {
        Mat turbo = TurboJpeg.decode(jpeg, ImageHeader.read(jpeg), flags == IMREAD_GRAYSCALE);
        assertThat(turbo).as("%s decoded by TurboJPEG", what).isNotNull();
        Mat cv = opencv(jpeg, flags);
        assertThat(new int[] {turbo.cols(), turbo.rows(), turbo.type()}).as(what)
            .containsExactly(cv.cols(), cv.rows(), cv.type());
        assertThat(bytes(turbo)).as("%s, flags %d", what, flags).isEqualTo(bytes(cv));
      }
    }
  }

  private static Mat opencv(byte[] jpeg, int flags) {
    return imdecode(new Mat(1, jpeg.length, CV_8UC1, new BytePointer(jpeg)), flags);
  }

  private static byte[] bytes(Mat m) {
    byte[] out = new byte[(int) (m.total() * m.channels())];
    m.data().get(out);
    return out;
  }

  private static byte[] encode(Mat m, int param, int value) {
    BytePointer buffer = new BytePointer();
    assertThat(imencode(".jpg", m, buffer, new IntPointer(param, value))).isTrue();
    byte[] out = new byte[(int) buffer.limit()];
    buffer.get(out);
    return out;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TurboJpegTest.class.getResourceAsStream("/jpeg/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  /** {@code jpeg} with an APP1 EXIF segment (big-endian TIFF, IFD0 holding only Orientation) after its SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0,
        0, 0, 0, 0, 0};
    byte[] exif = new byte[6 + tiff.length];
    System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
    System.arraycopy(tiff, 0, exif, 6, tiff.length);
    int length = exif.length + 2;
    byte[] out = new byte[jpeg.length + 2 + length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (length >> 8);
    out[5] = (byte) length;
    System.arraycopy(exif, 0, out, 6, exif.length);
    System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
    return out;
  }
}
