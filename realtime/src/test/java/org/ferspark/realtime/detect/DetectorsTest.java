package org.ferspark.realtime.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorsTest {
  @TempDir
  Path dir;

  @Test
  void haarLoadsTheCascadeFromTheOpenCvJarAndFindsNothingOnABlankFrame() {
    try (HaarFaceDetector haar = new HaarFaceDetector(null, 1.2, 3, 48);
        Mat blank = new Mat(240, 320, CV_8UC3, new Scalar(128, 128, 128, 0))) {
      assertThat(haar.detect(blank)).isEmpty();
      assertThat(haar.detect(blank, new FaceBox(300, 200, 100, 100), 0, 0)).as("region mostly outside").isEmpty();
    }
  }

  @Test
  void haarScoresEachFaceWithItsNumberOfMergedWindows() throws IOException {
    org.ferspark.realtime.bench.FaceScenes scenes;
    Path sample = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample/test");
    try (java.util.stream.Stream<Path> walk = Files.walk(sample)) {
      scenes = new org.ferspark.realtime.bench.FaceScenes(walk.filter(p -> p.toString().endsWith(".jpg")).sorted()
          .toList(), 2);
    }
    int scored = 0;
    try (HaarFaceDetector haar = new HaarFaceDetector(null, 1.1, 4, 48)) {
      for (int i = 0; i < 6; i++) {
        org.ferspark.realtime.bench.FaceScenes.Scene s = scenes.render(
            org.ferspark.realtime.bench.FaceScenes.Category.MULTI, i);
        List<Detection> found = haar.detectScored(s.bgr(), null, 0, 0);
        // OpenCV's grouping returns the cascade's faces in an order that can vary between calls
        assertThat(found).extracting(Detection::box).containsExactlyInAnyOrderElementsOf(haar.detect(s.bgr()));
        assertThat(found).allSatisfy(d -> assertThat(d.score()).isGreaterThanOrEqualTo(4f));
        scored += found.size();
        s.bgr().close();
      }
    }
    assertThat(scored).as("faces found in six scenes of three to five faces").isPositive();
  }

  @Test
  void settingsNameABadDetectorKind() {
    assertThatThrownBy(() -> DetectorSettings.from(org.ferspark.preprocessing.config.FerConfig.load(null,
        List.of("fer.realtime.detector.kind=yolo"), null), dir))
        .hasMessageContaining("fer.realtime.detector.kind must be one of blazeface, haar, dnn");
  }

  @Test
  void settingsTravelToAnotherJvmWithTheBytesOfADriverOnlyCascade() throws Exception {
    Path cascade = dir.resolve("frontal.xml");
    try (java.io.InputStream in = HaarFaceDetector.class.getResourceAsStream(
        HaarFaceDetector.DEFAULT_CASCADE_RESOURCE)) {
      Files.copy(in, cascade);
    }
    DetectorSettings haar = DetectorSettings.from(org.ferspark.preprocessing.config.FerConfig.load(null,
        List.of("fer.realtime.detector.kind=haar", "fer.realtime.detector.cascade=frontal.xml"), null), dir)
        .withMinFace(40);
    assertThat(haar.minFace()).isEqualTo(40);
    assertThat(haar.describe()).isEqualTo("haar " + cascade.toAbsolutePath());
    DetectorSettings.FileBytes files = haar.readFiles();
    assertThat(files.cascade()).isEqualTo(Files.readAllBytes(cascade));
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(buffer)) {
      out.writeObject(haar);
      out.writeObject(files);
    }
    org.ferspark.realtime.bench.FaceScenes.Scene scene = scenes().render(
        org.ferspark.realtime.bench.FaceScenes.Category.MULTI, 0);
    List<FaceBox> here;
    try (FaceDetector local = haar.create()) {
      here = local.detect(scene.bgr());
    }
    Files.delete(cascade);
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(buffer.toByteArray()))) {
      DetectorSettings there = (DetectorSettings) in.readObject();
      assertThat(there).usingRecursiveComparison().isEqualTo(haar);
      try (FaceDetector remote = there.create((DetectorSettings.FileBytes) in.readObject())) {
        assertThat(remote.detect(scene.bgr())).as("the same cascade, from its bytes (OpenCV's order varies)")
            .isNotEmpty().containsExactlyInAnyOrderElementsOf(here);
      }
    } finally {
      scene.bgr().close();
    }
    assertThatThrownBy(haar::readFiles).isInstanceOf(InputError.class)
        .hasMessageContaining("cascade file " + cascade.toAbsolutePath() + " does not exist");
    DetectorSettings blaze = DetectorSettings.from(org.ferspark.preprocessing.config.FerConfig.load(null, List.of(),
        null), dir);
    assertThat(blaze.describe()).isEqualTo("blazeface");
    assertThat(blaze.readFiles().isEmpty()).as("BlazeFace comes from the realtime jar").isTrue();
    assertThat(files.isEmpty()).isFalse();
  }

  private static org.ferspark.realtime.bench.FaceScenes scenes() throws IOException {
    Path sample = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample/test");
    try (java.util.stream.Stream<Path> walk = Files.walk(sample)) {
      return new org.ferspark.realtime.bench.FaceScenes(walk.filter(p -> p.toString().endsWith(".jpg")).sorted()
          .toList(), 2);
    }
  }

  @Test
  void haarRejectsAFileThatIsNotACascade() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.xml"), "<opencv_storage></opencv_storage>");
    assertThatThrownBy(() -> new HaarFaceDetector(bad, 1.1, 3, 48)).isInstanceOf(InputError.class)
        .hasMessageContaining("is not an OpenCV cascade");
  }

  @Test
  void dnnDetectorNamesAMissingOrUnreadableModel() throws IOException {
    assertThatThrownBy(() -> new DnnFaceDetector(dir.resolve("none.onnx"), null, 300, 0.5, 48))
        .isInstanceOf(InputError.class).hasMessageContaining("none.onnx does not exist");
    Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a network");
    assertThatThrownBy(() -> new DnnFaceDetector(junk, null, 300, 0.5, 48))
        .isInstanceOf(InputError.class).hasMessageContaining("junk.onnx");
  }

  @Test
  void finderSearchesOnlyAroundTrackedFacesBetweenFullDetections() {
    RecordingDetector spy = new RecordingDetector();
    FaceFinder finder = new FaceFinder(spy, 3, 0.5, 0.75, 1.33);
    try (Mat frame = new Mat(480, 640, CV_8UC3)) {
      finder.find(frame, 0, List.of(new FaceBox(100, 100, 80, 80)));
      assertThat(spy.regions).containsExactly((FaceBox) null);
      spy.regions.clear();
      finder.find(frame, 1, List.of(new FaceBox(100, 100, 80, 80), new FaceBox(400, 100, 100, 100)));
      assertThat(spy.regions).containsExactly(new FaceBox(60, 60, 160, 160), new FaceBox(350, 50, 200, 200));
      assertThat(spy.sizes).containsExactly(new int[] {60, 107}, new int[] {75, 133});
    }
  }

  private static final class RecordingDetector implements FaceDetector {
    final List<FaceBox> regions = new java.util.ArrayList<>();
    final List<int[]> sizes = new java.util.ArrayList<>();

    @Override
    public List<Detection> detectScored(Mat bgr, FaceBox region, int minSize, int maxSize) {
      regions.add(region);
      if (region != null) {
        sizes.add(new int[] {minSize, maxSize});
      }
      return List.of();
    }

    @Override
    public void close() {
    }
  }
}
