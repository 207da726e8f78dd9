package org.ferspark.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.ferspark.jobs.bench.PreprocessBaseline.Item;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PreprocessBaselineTest {
  @TempDir Path tmp;

  @Test
  void countsGoodImagesAndFailsMissingEmptyAndOutsideBoxes() throws IOException {
    Path image = tmp.resolve("img.jpg");
    try (Mat m = new Mat(100, 120, CV_8UC3, new Scalar(40, 120, 200, 0))) {
      imwrite(image.toString(), m);
    }
    Path empty = Files.createFile(tmp.resolve("empty.jpg"));
    List<Item> items = List.of(new Item(image, null), new Item(image, new FaceBox(10, 10, 50, 60)),
        new Item(image, new FaceBox(500, 0, 50, 50)), new Item(tmp.resolve("missing.jpg"), null),
        new Item(empty, null));

    PreprocessBaseline.Result result = PreprocessBaseline.run(items, IMREAD_COLOR);

    assertThat(result.images()).isEqualTo(2);
    assertThat(result.failed()).isEqualTo(3);
    assertThat(result.seconds()).isPositive();
  }

  @Test
  void readsAffectNetRowsBelowTheClassCountOnly() throws IOException {
    Path csv = tmp.resolve("training.csv");
    Files.writeString(csv, """
        subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal
        1/a.jpg,1,2,30,40,1.0;2.0,6,0.1,0.2
        1/b.jpg,1,2,30,40,1.0;2.0,7,0.1,0.2
        1/c.jpg,1,2,30,40,1.0;2.0,10,0.1,0.2
        1/d.jpg,abc,2,30,40,1.0;2.0,1,0.1,0.2
        1/e.jpg,1,2
        """);

    assertThat(PreprocessBaseline.readAffectNet(List.of(csv), tmp, 7))
        .containsExactly(new Item(tmp.resolve("1/a.jpg"), new FaceBox(1, 2, 30, 40)));
    assertThat(PreprocessBaseline.readAffectNet(List.of(csv), tmp, 8)).hasSize(2);
  }

  @Test
  void exitsTwoOnBadUsage() {
    assertThat(new CommandLine(new PreprocessBaseline()).execute("--folder", tmp.resolve("nope").toString()))
        .isEqualTo(2);
    assertThat(new CommandLine(new PreprocessBaseline()).execute()).isEqualTo(2);
    assertThat(new CommandLine(new MakeBenchData()).execute()).isEqualTo(2);
  }
}
