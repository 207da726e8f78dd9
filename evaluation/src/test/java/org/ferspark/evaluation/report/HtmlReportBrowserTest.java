package org.ferspark.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An independent reader of the report: headless Chromium opens each page from disk (nothing else is reachable, as
 * the page's Content-Security-Policy allows only data: images and its own script), takes a screenshot and dumps the
 * DOM after the load event. The page's script writes how many of its images decoded into
 * {@code body[data-images-loaded]}; the test compares that with the number of {@code <img>} elements, and checks
 * the screenshot is not blank. Screenshots are kept in {@code evaluation/target/html-report-browser/} for a look.
 *
 * <p>Needs Debian's {@code chromium} (or {@code chromium-browser}) on the PATH; CI installs it ({@code .ci/run}).
 * Without it the test fails, unless {@code -Dfer.skipBrowser=true} is given.
 */
class HtmlReportBrowserTest {

  private static final Pattern BODY = Pattern.compile("<body\\b([^>]*)>");
  private static final long TIMEOUT_SECONDS = 90;
  private static Path chromium;
  private static Path out;

  @BeforeAll
  static void findChromium() throws IOException {
    Optional<Path> found = onPath("chromium").or(() -> onPath("chromium-browser"));
    if (found.isEmpty()) {
      Assumptions.assumeFalse(Boolean.getBoolean("fer.skipBrowser"), "no chromium; skipped (-Dfer.skipBrowser)");
      fail("HtmlReportBrowserTest needs headless Chromium: install Debian's chromium (apt-get install -y chromium) "
          + "so that `chromium` or `chromium-browser` is on the PATH, or run with -Dfer.skipBrowser=true to skip it");
    }
    chromium = found.get();
    out = Path.of(System.getProperty("basedir", "."), "target", "html-report-browser").toAbsolutePath();
    Files.createDirectories(out);
  }

  @Test
  void singleModelPageLoadsEveryImageAndIsNotBlank() throws Exception {
    Path index = HtmlReport.write(ReportFixtures.oneModelWithHistory(), out.resolve("one-model"));

    assertRenders(index, 4, out.resolve("one-model.png"));
  }

  @Test
  void pageWithNanAndNoHistoryLoadsEveryImage() throws Exception {
    Path index = HtmlReport.write(ReportFixtures.modelWithEmptyClass(), out.resolve("empty-class"));

    assertRenders(index, 3, out.resolve("empty-class.png"));
  }

  @Test
  void photoFolderPageWithItsFailureGalleryLoadsEveryImage() throws Exception {
    Path index = HtmlReport.write(ReportFixtures.photoFolder(), out.resolve("photos"));

    assertRenders(index, 3 + ReportFixtures.FAILURES, out.resolve("photos.png"));
  }

  @Test
  void comparisonAndModelPagesLoadEveryImage() throws Exception {
    EvaluationResult result = ReportFixtures.twoModels();
    Path index = HtmlReport.write(result, out.resolve("two-models"));
    List<String> folders = HtmlReport.folderNames(result.models());

    assertRenders(index, 2, out.resolve("two-models.png"));
    assertRenders(index.resolveSibling(folders.get(1)).resolve(HtmlReport.INDEX), 3,
        out.resolve("two-models-hostile.png"));
  }

  /** Opens {@code page} in Chromium: {@code images} images all decoded, and a screenshot with content. */
  private static void assertRenders(Path page, int images, Path screenshot) throws Exception {
    Files.deleteIfExists(screenshot);
    Path dom = screenshot.resolveSibling(screenshot.getFileName() + ".dom.html");
    Path log = screenshot.resolveSibling(screenshot.getFileName() + ".chromium.log");
    Path profile = Files.createTempDirectory(out, "profile-");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--window-size=1280,2000", "--virtual-time-budget=5000", "--screenshot=" + screenshot, "--dump-dom",
        page.toUri().toString())
        .redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail("chromium did not finish within " + TIMEOUT_SECONDS + " s on " + page + "; log: " + log);
      }
    } finally {
      deleteTree(profile);
    }
    assertThat(p.exitValue()).as("chromium exit code (log: " + log + ")").isZero();

    Matcher body = BODY.matcher(Files.readString(dom, StandardCharsets.UTF_8));
    assertThat(body.find()).as("dumped DOM of " + page + " has a body").isTrue();
    assertThat(body.group(1)).as("images decoded by Chromium in " + page)
        .contains("data-images-total=\"" + images + "\"").contains("data-images-loaded=\"" + images + "\"");

    assertThat(screenshot).as("screenshot (log: " + log + ")").isRegularFile();
    BufferedImage shot = ImageIO.read(screenshot.toFile());
    assertThat(shot.getWidth()).isEqualTo(1280);
    Set<Integer> colours = new HashSet<>();
    long notWhite = 0;
    long seen = 0;
    for (int y = 0; y < shot.getHeight(); y += 2) {
      for (int x = 0; x < shot.getWidth(); x += 2) {
        int rgb = shot.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        notWhite += rgb == 0xffffff ? 0 : 1;
        seen++;
      }
    }
    assertThat(colours.size()).as("distinct colours in " + screenshot).isGreaterThan(200);
    assertThat((double) notWhite / seen).as("share of non-white pixels in " + screenshot).isGreaterThan(0.05);
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
        .filter(Files::isExecutable).findFirst();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path f : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
