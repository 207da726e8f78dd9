package org.ferspark.realtime.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes and the one-line messages a user sees. */
class RealtimeAppTest {
  @TempDir
  Path dir;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return RealtimeApp.Cli.execute(new RealtimeApp(), args, new PrintWriter(err, true));
  }

  @Test
  void missingCameraIsOneClearMessageAndExitOne() {
    assertThat(run("--camera", "99", "--headless", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("fer-realtime: error: no camera 99 was found")
        .contains("--video FILE").doesNotContain("Exception").hasLineCount(1);
  }

  @Test
  void missingVideoIsNamedBeforeAnyModelIsLoaded() {
    Path missing = dir.resolve("gone.mp4");
    assertThat(run("--video", missing.toString(), "--headless", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("cannot open video " + missing + ": no such file");
  }

  @Test
  void missingDefaultModelSaysNoneIsShippedYet() {
    Path images = Path.of(System.getProperty("fer.repo.root", ".."), "data/sample/test/happy");
    assertThat(run("--image", images.toString(), "--headless", "--out", dir.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no --model given").contains("fer2013-default.zip").contains("--model FILE");
  }

  @Test
  void imageDirectoryWritesOneAnnotatedPngPerReadableImage() throws Exception {
    Path images = Files.createDirectories(dir.resolve("in"));
    File[] faces = Path.of(System.getProperty("fer.repo.root", ".."), "data/sample/test/happy").toFile().listFiles();
    Files.copy(faces[0].toPath(), images.resolve("a.jpg"));
    Files.copy(faces[1].toPath(), images.resolve("b.jpg"));
    Files.writeString(images.resolve("c.jpg"), "not an image");
    Path out = dir.resolve("out");
    RealtimeApp app = new RealtimeApp();
    int code = RealtimeApp.Cli.execute(app, new String[] {"--image", images.toString(), "--model",
        TinyModel.save(dir).toString(), "--headless", "--out", out.toString(), "--min-face", "24"},
        new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.resolve("annotated").toFile().list()).containsExactlyInAnyOrder("a.png", "b.png");
    assertThat(out.resolve("frames.jsonl")).exists();
    assertThat(app.report().frames()).isEqualTo(2);
    assertThat(app.report().skippedImages()).isEqualTo(1);
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run("--headless", "--out", dir.toString())).as("no input").isEqualTo(2);
    assertThat(run("--camera", "0", "--video", "x.mp4")).as("two inputs").isEqualTo(2);
    assertThat(run("--camera", "0", "--headless")).as("--headless without --out").isEqualTo(2);
    assertThat(err.toString()).contains("--headless needs --out DIR");
    assertThat(run("--camera", "0")).as("window mode without a display").isEqualTo(2);
    assertThat(err.toString()).contains("use --headless --out DIR");
    assertThat(run("--camera", "0", "--headless", "--out", dir.toString(), "--set", "fer.realtime.smoothing=0"))
        .as("bad configuration value").isEqualTo(2);
    assertThat(err.toString()).contains("fer.realtime.smoothing");
    assertThat(run("--camera", "0", "--headless", "--out", dir.toString(), "--set", "fer.realtime.warmup-passes=-1"))
        .as("negative warm-up").isEqualTo(2);
    assertThat(err.toString()).contains("fer.realtime.warmup-passes must be at least 0");
  }
}
