package org.ferspark.realtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.ferspark.realtime.bench.SyntheticVideo;
import org.ferspark.realtime.overlay.Overlay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window mode on a real X server: runs the app in a child JVM (this one is headless) on Xvfb, waits until the
 * window shows frames, takes a screenshot of the X screen from another JVM (java.awt.Robot) and looks for the
 * overlay's box colour. Runs only where {@code Xvfb} is installed (Debian: {@code apt-get install xvfb}) or a
 * {@code DISPLAY} is set.
 */
class WindowModeTest {
  @TempDir
  Path dir;

  @Test
  void windowShowsTheFaceBoxOnAnXServer() throws Exception {
    String display = System.getenv("DISPLAY");
    boolean xvfb = onPath("Xvfb");
    assumeTrue(display != null || xvfb, "no DISPLAY and no Xvfb: window mode not testable here");
    Process server = null;
    if (display == null || display.isBlank()) {
      // -displayfd: Xvfb picks a free display number and prints it once it accepts connections
      server = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
          .redirectError(dir.resolve("xvfb.log").toFile()).start();
      String number = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      assertThat(number).as("Xvfb display number; log: %s", dir.resolve("xvfb.log")).isNotBlank();
      display = ":" + number.strip();
    }
    Process app = null;
    try {
      Path model = TinyModel.save(dir);
      Path video = dir.resolve("v.mp4");
      SyntheticVideo.write(video, List.of(HeadlessRunTest.detectableFaceIn(dir)), 300, 160, 3);
      app = javaProcess(display, RealtimeApp.class.getName(), "--video", video.toString(), "--model",
          model.toString(), "--detect-every", "2").redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
      List<String> log = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null && !line.contains("window shown")) {
        log.add(line);
      }
      assertThat(line).as("the app never reported its window; output: %s", log).isNotNull();
      Thread.sleep(1500); // let a few frames reach the screen; the app keeps playing meanwhile
      Path shot = dir.resolve("screen.png");
      Process grab = javaProcess(display, ScreenGrab.class.getName(), shot.toString()).redirectErrorStream(true)
          .start();
      assertThat(grab.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(grab.exitValue()).as(new String(grab.getInputStream().readAllBytes())).isZero();

      BufferedImage image = ImageIO.read(shot.toFile());
      Files.copy(shot, Path.of("target", "window-mode-screen.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      int boxRgb = (Overlay.BOX_BGR[2] << 16) | (Overlay.BOX_BGR[1] << 8) | Overlay.BOX_BGR[0];
      int count = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          count += (image.getRGB(x, y) & 0xFFFFFF) == boxRgb ? 1 : 0;
        }
      }
      assertThat(count).as("pixels of the box colour on screen (a 160 px box outline is about 1,300)")
          .isGreaterThan(500);
    } finally {
      if (app != null) {
        app.destroy();
        app.waitFor(20, TimeUnit.SECONDS);
      }
      if (server != null) {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A child JVM with this JVM's flags (minus headless) and class path, on {@code display}. */
  private static ProcessBuilder javaProcess(String display, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Djava.awt.headless") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
        cmd.add(a);
      }
    }
    cmd.add("-Djava.awt.headless=false");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("DISPLAY", display);
    return pb;
  }

  private static boolean onPath(String exe) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, exe))) {
        return true;
      }
    }
    return false;
  }
}
