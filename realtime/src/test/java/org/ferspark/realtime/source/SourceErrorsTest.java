package org.ferspark.realtime.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceErrorsTest {
  @TempDir
  Path dir;

  @Test
  void missingCameraSaysSoAndShowsTheVideoAlternative() {
    assertThatThrownBy(() -> CameraSource.open(99))
        .isInstanceOf(InputError.class)
        .hasMessageStartingWith("no camera 99 was found")
        .hasMessageContaining("--video FILE");
  }

  @Test
  void missingVideoFileIsNamed() {
    File missing = dir.resolve("nope.mp4").toFile();
    assertThatThrownBy(() -> VideoSource.open(missing))
        .isInstanceOf(InputError.class)
        .hasMessage("cannot open video " + missing + ": no such file");
  }

  @Test
  void textFileNamedMp4IsRejectedWithTheFileAndReason() throws IOException {
    Path fake = Files.writeString(dir.resolve("notes.mp4"), "this is not a video\n".repeat(50));
    assertThatThrownBy(() -> VideoSource.open(fake.toFile()))
        .isInstanceOf(InputError.class)
        .hasMessageContaining("cannot open video " + fake)
        .hasMessageContaining("FFmpeg cannot read it as a video (Invalid data found when processing input)");
  }

  @Test
  void imageDirectorySkipsAndCountsUnreadableFiles() throws IOException {
    Files.writeString(dir.resolve("a-broken.jpg"), "not a jpeg");
    Files.copy(Path.of(System.getProperty("fer.repo.root", "."), "data/sample/test/happy")
        .toFile().listFiles()[0].toPath(), dir.resolve("b-face.jpg"));
    try (ImageSource source = ImageSource.open(dir.toFile(), new java.io.PrintStream(
        java.io.OutputStream.nullOutputStream()))) {
      GrabbedFrame first = source.grab();
      org.assertj.core.api.Assertions.assertThat(first.name()).isEqualTo("b-face.jpg");
      org.assertj.core.api.Assertions.assertThat(first.bgr().channels()).isEqualTo(3);
      org.assertj.core.api.Assertions.assertThat(source.grab()).isNull();
      org.assertj.core.api.Assertions.assertThat(source.skipped()).isEqualTo(1);
    }
  }
}
