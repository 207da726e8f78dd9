package org.ferspark.realtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class FaceScenesTest {
  static FaceScenes scenes(long seed) throws IOException {
    Path sample = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample/test");
    try (Stream<Path> walk = Files.walk(sample)) {
      return new FaceScenes(walk.filter(p -> p.toString().endsWith(".jpg")).sorted().toList(), seed);
    }
  }

  @Test
  void aSceneIsAFunctionOfCategoryIndexAndSeedWithBoxesInsideTheFrame() throws IOException {
    for (FaceScenes.Category c : FaceScenes.Category.values()) {
      FaceScenes.Scene a = scenes(5).render(c, 3);
      FaceScenes.Scene b = scenes(5).render(c, 3);
      assertThat(bytes(a.bgr())).as(c.name()).isEqualTo(bytes(b.bgr()));
      assertThat(a.faces()).isEqualTo(b.faces()).isNotEmpty();
      assertThat(a.faces()).allSatisfy(f -> {
        assertThat(f.box().x()).isGreaterThanOrEqualTo(0);
        assertThat(f.box().y()).isGreaterThanOrEqualTo(0);
        assertThat(f.box().x() + f.box().width()).isLessThanOrEqualTo(FaceScenes.WIDTH);
        assertThat(f.box().y() + f.box().height()).isLessThanOrEqualTo(FaceScenes.HEIGHT);
      });
      switch (c) {
        case SMALL -> assertThat(a.faces()).allSatisfy(f -> assertThat(f.box().width()).isBetween(40, 80));
        case ROTATED -> assertThat(a.faces()).allSatisfy(f -> assertThat(Math.abs(f.angle())).isBetween(10.0, 30.0));
        case MULTI -> assertThat(a.faces()).hasSizeBetween(3, 5);
        default -> assertThat(a.faces()).hasSize(1);
      }
      a.bgr().close();
      b.bgr().close();
    }
    assertThat(bytes(scenes(6).render(FaceScenes.Category.UPRIGHT, 3).bgr()))
        .isNotEqualTo(bytes(scenes(5).render(FaceScenes.Category.UPRIGHT, 3).bgr()));
  }

  static byte[] bytes(Mat m) {
    byte[] out = new byte[(int) (m.total() * m.channels())];
    new BytePointer(m.data()).get(out);
    return out;
  }
}
