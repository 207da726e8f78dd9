package org.ferspark.evaluation.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.synthetic.FacePhotos;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.Detection;
import org.ferspark.realtime.detect.FaceDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The status of a photo for each thing the detector can report, with a stand-in detector that reports it. */
class FaceLocatorTest {
  static byte[] scene;
  static Path face;
  static final FaceNormalizer NORMALIZER = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE);

  @BeforeAll
  static void photo() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("fer.repo.root", "..")).resolve(
        "data/sample/test/happy"))) {
      face = s.sorted().findFirst().orElseThrow();
    }
    scene = FacePhotos.scene(320, 240, List.of(face), List.of(new FaceBox(100, 60, 120, 120)), 3);
  }

  static ImageSettings settings(String... sets) {
    return ImageSettings.from(FerConfig.load(null, List.of(sets), Map.of()), RealtimeSettings.root());
  }

  /** Reports the same boxes for every photo and records the smallest size it was asked for. */
  static final class Fixed implements FaceDetector {
    final List<FaceBox> boxes;
    final List<Integer> minSizes = new ArrayList<>();

    Fixed(FaceBox... boxes) {
      this.boxes = List.of(boxes);
    }

    @Override
    public List<Detection> detectScored(Mat bgr, FaceBox region, int minSize, int maxSize) {
      minSizes.add(minSize);
      return boxes.stream().map(b -> new Detection(b, 1f)).toList();
    }

    @Override
    public void close() {
    }
  }

  @Test
  void oneFaceIsCroppedWithTheMarginAndNormalisedAsPredictDoes() throws Exception {
    FaceBox box = new FaceBox(104, 62, 110, 112);
    Fixed detector = new Fixed(box);
    FaceLocator.Located l = new FaceLocator(settings(), detector).locate(scene);

    assertThat(l.status()).isEqualTo(FaceStatus.OK);
    assertThat(l.box()).isEqualTo(box);
    assertThat(l.side()).isEqualTo(110);
    assertThat(l.facesFound()).isEqualTo(1);
    assertThat(detector.minSizes).containsExactly(24);
    try (Mat bgr = NORMALIZER.decode(scene, IMREAD_COLOR)) {
      assertThat(l.pixels()).isEqualTo(NORMALIZER.normalize(bgr, FaceClassifier.cropBox(box, 0.1)));
    }
  }

  @Test
  void severalFacesGiveTheLargestOrAreRejectedAndSmallOnesDoNotCount() {
    FaceBox small = new FaceBox(0, 0, 30, 30);
    FaceBox big = new FaceBox(150, 50, 100, 100);
    FaceBox mid = new FaceBox(10, 10, 60, 60);
    FaceLocator.Located largest = new FaceLocator(settings(), new Fixed(mid, small, big)).locate(scene);
    assertThat(largest.status()).isEqualTo(FaceStatus.OK);
    assertThat(largest.box()).isEqualTo(big);
    assertThat(largest.severalFaces()).isTrue();

    FaceLocator.Located rejected = new FaceLocator(settings("fer.evaluate.images.several-faces=reject"),
        new Fixed(mid, small, big)).locate(scene);
    assertThat(rejected.status()).isEqualTo(FaceStatus.SEVERAL_FACES);
    assertThat(rejected.detail()).contains("2 faces of at least 32 px");

    FaceLocator.Located oneLarge = new FaceLocator(settings("fer.evaluate.images.several-faces=reject"),
        new Fixed(small, big)).locate(scene);
    assertThat(oneLarge.status()).as("a face below min-face is not a second face").isEqualTo(FaceStatus.OK);
    assertThat(oneLarge.severalFaces()).isFalse();
  }

  @Test
  void noFaceAndOnlySmallFacesHaveTheirOwnStatus() {
    assertThat(new FaceLocator(settings(), new Fixed()).locate(scene).status()).isEqualTo(FaceStatus.NO_FACE);
    FaceLocator.Located small = new FaceLocator(settings(), new Fixed(new FaceBox(0, 0, 30, 40))).locate(scene);
    assertThat(small.status()).isEqualTo(FaceStatus.FACE_TOO_SMALL);
    assertThat(small.side()).isEqualTo(30);
    assertThat(small.detail()).contains("min-face = 32");
  }

  @Test
  void smallPhotosAndPhotosWithDetectionOffAreTakenWholeAsPreprocessingReadsThem() throws Exception {
    Fixed detector = new Fixed(new FaceBox(0, 0, 40, 40));
    byte[] crop = Files.readAllBytes(face);
    FaceLocator.Located l = new FaceLocator(settings(), detector).locate(crop);
    assertThat(l.status()).isEqualTo(FaceStatus.OK);
    assertThat(l.box()).isNull();
    assertThat(l.facesFound()).isEqualTo(-1);
    assertThat(l.pixels()).isEqualTo(NORMALIZER.normalize(crop, null));
    assertThat(detector.minSizes).as("a 48x48 photo is a crop: no detection").isEmpty();

    FaceLocator.Located off = new FaceLocator(settings("fer.evaluate.images.detect=false"), null).locate(scene);
    assertThat(off.status()).isEqualTo(FaceStatus.OK);
    assertThat(off.pixels()).isEqualTo(NORMALIZER.normalize(scene, null));
    assertThat(off.side()).isEqualTo(240);

    FaceLocator.Located always = new FaceLocator(settings("fer.evaluate.images.crop-max-side=0"), detector)
        .locate(crop);
    assertThat(always.status()).isEqualTo(FaceStatus.OK);
    assertThat(detector.minSizes).as("crop-max-side = 0: every photo is searched").hasSize(1);
  }

  @Test
  void aOnePixelImageIsTooSmallAndBadFilesAreUnreadableWithTheirReason() throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "png", png);
    FaceLocator locator = new FaceLocator(settings(), new Fixed(new FaceBox(0, 0, 100, 100)));
    FaceLocator.Located dot = locator.locate(png.toByteArray());
    assertThat(dot.status()).isEqualTo(FaceStatus.FACE_TOO_SMALL);
    assertThat(dot.detail()).contains("1x1");

    assertThat(locator.locate(new byte[0]).reason()).isEqualTo("empty-file");
    FaceLocator.Located gif = locator.locate("GIF89a\u0040\u0000\u0040\u0000".getBytes("ISO-8859-1"));
    assertThat(gif.status()).isEqualTo(FaceStatus.UNREADABLE);
    assertThat(gif.reason()).isEqualTo("unsupported-format");
    byte[] truncated = java.util.Arrays.copyOf(scene, scene.length / 2);
    assertThat(locator.locate(truncated).reason()).isEqualTo("truncated-image");
  }
}
