package org.ferspark.preprocessing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class FaceNormalizerTest {
  private final FaceNormalizer normalizer = new FaceNormalizer(48, 100_000_000L, 64L << 20);

  @Test
  void decodesEveryFormatDepthAndChannelCountTo48x48() throws RejectException {
    int[][] typesByExt = {{CV_8UC1, CV_8UC3, CV_8UC4, CV_16UC1, CV_16UC3}, {CV_8UC1, CV_8UC3},
        {CV_8UC1, CV_8UC3, CV_8UC4}, {CV_8UC1, CV_8UC3, CV_16UC1, CV_32FC1}, {CV_8UC3, CV_8UC4}};
    String[] exts = {".png", ".jpg", ".bmp", ".tiff", ".webp"};
    for (int e = 0; e < exts.length; e++) {
      for (int type : typesByExt[e]) {
        byte[] encoded = Fixtures.encode(Fixtures.noise(71, 53, type, type), exts[e]);
        assertThat(normalizer.normalize(encoded, null)).as("%s type %d", exts[e], type).hasSize(48 * 48);
      }
    }
  }

  @Test
  void grayFer2013JpegNormalisesToExactlyOpenCvsGrayscaleDecode() throws RejectException {
    assumeThat(Files.isDirectory(Fixtures.FER_HAPPY)).as("FER2013 sample folder present").isTrue();
    for (byte[] jpeg : Fixtures.ferJpegs(20)) {
      assertThat(normalizer.normalize(jpeg, null)).isEqualTo(grayDecode(jpeg));
    }
  }

  @Test
  void grayJpegOfOutputSizeNormalisesToExactlyOpenCvsGrayscaleDecode() throws RejectException {
    byte[] jpeg = Fixtures.encode(Fixtures.noise(48, 48, CV_8UC1, 5), ".jpg");
    assertThat(normalizer.normalize(jpeg, null)).isEqualTo(grayDecode(jpeg));
  }

  @Test
  void colourBecomesGrayAsCvtColorDoes() throws RejectException {
    Mat bgr = Fixtures.noise(48, 48, CV_8UC3, 6);
    Mat bgra = Fixtures.noise(48, 48, CV_8UC4, 7);
    assertThat(normalizer.normalize(Fixtures.encode(bgr, ".png"), null)).isEqualTo(gray(bgr, COLOR_BGR2GRAY));
    assertThat(normalizer.normalize(Fixtures.encode(bgra, ".png"), null)).isEqualTo(gray(bgra, COLOR_BGRA2GRAY));
    assertThat(normalizer.normalize(bgr, null)).isEqualTo(gray(bgr, COLOR_BGR2GRAY));
    assertThat(normalizer.normalize(bgra, null)).isEqualTo(gray(bgra, COLOR_BGRA2GRAY));
  }

  @Test
  void colourJpegDecodesStraightToGrayWithinAFractionOfAGreyLevelOfCvtColor() throws RejectException {
    // a photo-like colour face: a face of the repository's sample scaled up to 192x192 and tinted differently per
    // channel, with a saturated red patch (where the luma plane and the clamped BGR reconstruction differ most)
    byte[] fer = Fixtures.sampleJpeg();
    Mat face = new Mat();
    resize(imdecode(new Mat(1, fer.length, CV_8UC1, new BytePointer(fer)), IMREAD_GRAYSCALE), face, new Size(192, 192));
    Mat bgr = new Mat();
    cvtColor(face, bgr, COLOR_GRAY2BGR);
    multiply(bgr, new Mat(192, 192, CV_8UC3, new Scalar(140, 204, 255, 0)), bgr, 1 / 255.0, -1);
    rectangle(bgr, new Rect(120, 10, 40, 40), new Scalar(20, 20, 250, 0), -1, 8, 0);
    byte[] jpeg = Fixtures.encode(bgr, ".jpg");
    FaceBox box = new FaceBox(16, 8, 160, 170);
    byte[] viaLuma = normalizer.normalize(jpeg, box);
    byte[] viaBgr = normalizer.normalize(imdecode(new Mat(1, jpeg.length, CV_8UC1, new BytePointer(jpeg)),
        IMREAD_COLOR), box);
    assertThat(viaLuma).as("the luma plane, cropped and resized").isEqualTo(normalizer.normalize(
        imdecode(new Mat(1, jpeg.length, CV_8UC1, new BytePointer(jpeg)), IMREAD_GRAYSCALE), box));
    double sum = 0;
    int max = 0;
    for (int i = 0; i < viaLuma.length; i++) {
      int d = Math.abs((viaLuma[i] & 0xff) - (viaBgr[i] & 0xff));
      sum += d;
      max = Math.max(max, d);
    }
    assertThat(sum / viaLuma.length).as("mean |difference|, grey levels").isLessThan(0.25);
    assertThat(max).as("largest difference, grey levels").isLessThanOrEqualTo(4);
  }

  @Test
  void sixteenBitPngIsScaledTo8Bit() throws RejectException {
    Mat wide = new Mat(48, 48, CV_16UC1, new Scalar(257 * 200));
    assertThat(normalizer.normalize(Fixtures.encode(wide, ".png"), null)).containsOnly((byte) 200);
  }

  @Test
  void cropsToTheFaceBox() throws RejectException {
    Mat image = new Mat(80, 100, CV_8UC3, new Scalar(0, 0, 0, 0));
    rectangle(image, new Rect(30, 20, 25, 25), new Scalar(255, 255, 255, 0), -1, 8, 0);
    FaceBox box = new FaceBox(30, 20, 25, 25);
    assertThat(normalizer.normalize(Fixtures.encode(image, ".png"), box)).containsOnly((byte) 255);
    assertThat(normalizer.normalize(image, box)).containsOnly((byte) 255);
  }

  @Test
  void clampsABoxThatSticksOutOfTheImage() throws RejectException {
    Mat image = Fixtures.noise(100, 80, CV_8UC1, 8);
    assertThat(normalizer.normalize(image, new FaceBox(-10, -10, 40, 30)))
        .isEqualTo(normalizer.normalize(image, new FaceBox(0, 0, 30, 20)));
    assertThat(normalizer.normalize(image, new FaceBox(90, 70, 500, 500)))
        .isEqualTo(normalizer.normalize(image, new FaceBox(90, 70, 10, 10)));
  }

  @Test
  void rejectsBoxesWithoutPixelsInsideTheImage() {
    Mat image = Fixtures.noise(100, 80, CV_8UC1, 9);
    assertReason(() -> normalizer.normalize(image, new FaceBox(200, 10, 20, 20)), "bad-face-box")
        .contains("[200, 10, 20, 20]").contains("100×80");
    assertReason(() -> normalizer.normalize(image, new FaceBox(10, 10, 0, 20)), "bad-face-box");
    assertReason(() -> normalizer.normalize(image, new FaceBox(-50, 10, 30, 20)), "bad-face-box");
  }

  @Test
  void rejectsEmptyInput() {
    assertReason(() -> normalizer.normalize(new byte[0], null), "empty-file");
  }

  @Test
  void rejectsJpegCutInHalf() {
    byte[] jpeg = Fixtures.encode(Fixtures.noise(48, 48, CV_8UC1, 10), ".jpg");
    assertReason(() -> normalizer.normalize(Arrays.copyOf(jpeg, jpeg.length / 2), null), "truncated-image");
    if (Files.isDirectory(Fixtures.FER_HAPPY)) {
      byte[] real = Fixtures.ferJpegs(1).get(0);
      assertReason(() -> normalizer.normalize(Arrays.copyOf(real, real.length / 2), null), "truncated-image");
    }
  }

  @Test
  void acceptsJpegWithTrailingZeroPadding() throws RejectException {
    byte[] jpeg = Fixtures.encode(Fixtures.noise(48, 48, CV_8UC1, 11), ".jpg");
    assertThat(normalizer.normalize(Arrays.copyOf(jpeg, jpeg.length + 100), null)).isEqualTo(grayDecode(jpeg));
  }

  @Test
  void rejectsPngWithoutIend() {
    byte[] png = Fixtures.encode(Fixtures.noise(48, 48, CV_8UC1, 12), ".png");
    assertReason(() -> normalizer.normalize(Arrays.copyOf(png, png.length - 12), null), "truncated-image");
  }

  @Test
  void reportsTruncatedBmpTiffAndWebpAsDecodeFailed() {
    for (String ext : List.of(".bmp", ".tiff", ".webp")) {
      byte[] full = Fixtures.encode(Fixtures.noise(64, 64, CV_8UC3, 18), ext);
      assertReason(() -> normalizer.normalize(Arrays.copyOf(full, full.length - 1), null), "decode-failed");
    }
  }

  @Test
  void rejectsCorruptPixelDataAsDecodeFailed() {
    byte[] png = Fixtures.encode(Fixtures.noise(48, 48, CV_8UC1, 13), ".png");
    for (int i = 60; i < png.length - 40; i++) {
      png[i] = (byte) ~png[i];
    }
    assertReason(() -> normalizer.normalize(png, null), "decode-failed");
  }

  @Test
  void rejectsRandomBytesNamedJpgAndTextFiles() {
    byte[] noise = new byte[4096];
    new SplittableRandom(14).nextBytes(noise);
    assertReason(() -> normalizer.normalize(noise, null), "unsupported-format");
    byte[] text = "emotion,pixels,Usage\n0,70 80 82,Training\n".getBytes(StandardCharsets.UTF_8);
    assertReason(() -> normalizer.normalize(text, null), "unsupported-format");
  }

  @Test
  void refusesAbsurdDeclaredSizesFromTheHeaderAlone() {
    for (byte[] header : List.of(Fixtures.pngHeader(50_000, 50_000), Fixtures.jpegHeader(50_000, 50_000))) {
      long before = System.nanoTime();
      assertReason(() -> normalizer.normalize(header, null), "image-too-large").contains("50000×50000");
      assertThat(System.nanoTime() - before).as("refused without decoding").isLessThan(200_000_000L);
    }
  }

  @Test
  void refusesFilesLargerThanTheLimit() {
    FaceNormalizer small = new FaceNormalizer(48, 100_000_000L, 1000);
    byte[] png = Fixtures.encode(Fixtures.noise(100, 100, CV_8UC1, 15), ".png");
    assertReason(() -> small.normalize(png, null), "file-too-large");
  }

  @Test
  void refusesGifAsUnsupportedAndDecodesWebp() throws RejectException {
    assertReason(() -> normalizer.normalize(Fixtures.gif1x1(), null), "unsupported-format").contains("GIF");
    byte[] webp = Fixtures.encode(Fixtures.noise(64, 64, CV_8UC3, 16), ".webp");
    assertThat(normalizer.normalize(webp, null)).hasSize(48 * 48);
  }

  @Test
  void rejectsFramesItCannotMakeGray() {
    assertReason(() -> normalizer.normalize(new Mat(10, 10, CV_64FC1, new Scalar(0.5)), null),
        "unsupported-pixel-type");
    assertReason(() -> normalizer.normalize(new Mat(10, 10, CV_8UC2, new Scalar(1, 2, 0, 0)), null),
        "unsupported-pixel-type");
    assertReason(() -> normalizer.normalize(new Mat(), null), "decode-failed");
  }

  @Test
  void takesFloatFramesAsUnitRange() throws RejectException {
    assertThat(normalizer.normalize(new Mat(48, 48, CV_32FC1, new Scalar(0.5)), null)).containsOnly((byte) 128);
    assertThat(normalizer.normalize(new Mat(48, 48, CV_32FC1, new Scalar(7)), null)).containsOnly((byte) 255);
  }

  @Test
  void keepsFer2013CsvPixelsAndResizesOtherSizes() throws RejectException {
    int[] values = new SplittableRandom(17).ints(48 * 48, 0, 256).toArray();
    byte[] out = normalizer.fromGrayPixels(values, 48, 48);
    for (int i = 0; i < values.length; i++) {
      assertThat(out[i] & 0xFF).isEqualTo(values[i]);
    }
    byte[] flat = new byte[40 * 30];
    Arrays.fill(flat, (byte) 77);
    assertThat(normalizer.fromGrayPixels(flat, 40, 30)).hasSize(48 * 48).containsOnly((byte) 77);
  }

  @Test
  void rejectsCsvRowsOfWrongLengthOrRange() {
    assertReason(() -> normalizer.fromGrayPixels(new int[2303], 48, 48), "bad-pixels");
    int[] values = new int[4];
    values[2] = 256;
    assertReason(() -> normalizer.fromGrayPixels(values, 2, 2), "bad-pixels").contains("256");
  }

  @Test
  void readsLimitsFromConfig() {
    FaceNormalizer fromConfig = FaceNormalizer.fromConfig(ConfigFactory.parseString(
        "fer.image { size = 32, max-pixels = 1000, max-file-bytes = 2000 }"));
    assertThat(fromConfig.size()).isEqualTo(32);
    assertReason(() -> fromConfig.normalize(Fixtures.pngHeader(40, 40), null), "image-too-large");
    assertThat(FaceNormalizer.fromConfig(ConfigFactory.defaultReference()).size()).isEqualTo(48);
  }

  private static byte[] grayDecode(byte[] encoded) {
    Mat decoded = imdecode(new Mat(1, encoded.length, CV_8UC1, new BytePointer(encoded)), IMREAD_GRAYSCALE);
    return MatOps.toBytes(decoded);
  }

  private static byte[] gray(Mat colour, int code) {
    Mat out = new Mat();
    cvtColor(colour, out, code);
    return MatOps.toBytes(out);
  }

  private static AbstractStringAssert<?> assertReason(ThrowingCallable call, String reason) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(RejectException.class);
    assertThat(((RejectException) thrown).reason()).as(thrown.getMessage()).isEqualTo(reason);
    return assertThat(((RejectException) thrown).detail());
  }
}
