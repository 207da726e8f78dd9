package org.ferspark.realtime.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.bench.FaceScenes;
import org.ferspark.realtime.track.IouTracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped BlazeFace network on composited data/sample faces at known boxes. */
class BlazeFaceDetectorTest {
  static BlazeFaceDetector detector;
  static FaceScenes scenes;

  @BeforeAll
  static void load() throws IOException {
    detector = new BlazeFaceDetector(new BlazeFaceDetector.Options(0.5, 0.3, 1.194, -0.074, 64), 48);
    Path sample = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample/test");
    try (Stream<Path> walk = Files.walk(sample)) {
      scenes = new FaceScenes(walk.filter(p -> p.toString().endsWith(".jpg")).sorted().toList(), 3);
    }
  }

  @AfterAll
  static void close() {
    detector.close();
  }

  @Test
  void findsNothingOnABlankFrame() {
    try (Mat blank = new Mat(480, 640, CV_8UC3, new Scalar(128, 128, 128, 0))) {
      assertThat(detector.detectScored(blank, null, 0, 0)).isEmpty();
    }
  }

  @Test
  void findsMostUprightFacesAtTheirBoxesWithScoresInZeroOne() throws IOException {
    int faces = 0;
    int found = 0;
    for (int i = 0; faces < 8; i++) {
      FaceScenes.Scene s = scenes.render(FaceScenes.Category.UPRIGHT, i);
      FaceBox truth = s.faces().get(0).box();
      if (truth.width() >= 80) {
        List<Detection> d = detector.detectScored(s.bgr(), null, 80, 0);
        assertThat(d).allSatisfy(x -> assertThat(x.score()).isBetween(0.5f, 1f));
        faces++;
        found += d.stream().anyMatch(x -> IouTracker.iou(x.box(), truth) >= 0.5) ? 1 : 0;
      }
      s.bgr().close();
    }
    assertThat(found).as("upright 80-200 px faces found at IoU >= 0.5, of %d", faces).isGreaterThanOrEqualTo(6);
  }

  @Test
  void aRegionSearchFindsTheFaceInsideItAndRespectsTheSizeRange() throws IOException {
    FaceScenes.Scene s = null;
    List<Detection> whole = List.of();
    for (int i = 0; whole.isEmpty() && i < 20; i++) {
      s = scenes.render(FaceScenes.Category.ROTATED, i);
      whole = detector.detectScored(s.bgr(), null, 80, 0);
    }
    assertThat(whole).isNotEmpty();
    FaceBox b = whole.get(0).box();
    FaceBox region = FaceFinder.grow(b, 0.5);
    List<Detection> inRegion = detector.detectScored(s.bgr(), region, (int) (b.width() * 0.75),
        (int) Math.ceil(b.width() * 1.33));
    assertThat(inRegion).hasSize(1);
    assertThat(IouTracker.iou(inRegion.get(0).box(), b)).isGreaterThan(0.6);
    assertThat(detector.detectScored(s.bgr(), region, b.width() * 2, 0)).as("faces of at least twice its size")
        .isEmpty();
    s.bgr().close();
  }
}
