package org.ferspark.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.PairTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  private static final Pattern IMG = Pattern.compile("<img\\b[^>]*\\bsrc=\"([^\"]*)\"");

  @TempDir
  Path dir;

  @Test
  void writesEveryFileOfOneModelAtTheTop() throws IOException {
    Path index = HtmlReport.write(ReportFixtures.oneModelWithHistory(), dir);

    assertThat(index).isEqualTo(dir.resolve("index.html")).isRegularFile();
    assertPng(dir.resolve("confusion_matrix.png"), 7 * ConfusionHeatmap.CELL, 7 * ConfusionHeatmap.CELL);
    assertPng(dir.resolve("curves.png"), TrainingCurves.WIDTH, TrainingCurves.HEIGHT);
    assertPng(dir.resolve("reliability.png"), ReliabilityDiagram.WIDTH, ReliabilityDiagram.HEIGHT);
    assertPng(dir.resolve("samples.png"), 5 * 96, 7 * 96);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary files left")
          .containsExactlyInAnyOrder("index.html", "confusion_matrix.png", "curves.png", "reliability.png",
              "samples.png");
    }
  }

  @Test
  void pageShowsTheNumbersWithTtaBesidePlain() throws IOException {
    EvaluationResult result = ReportFixtures.oneModelWithHistory();
    String html = read(HtmlReport.write(result, dir));
    ModelEvaluation m = result.models().get(0);

    assertContains(html, Fmt.pct(m.plain().accuracy()), Fmt.pct(m.tta().accuracy()), "88.41%", "89.37%",
        Fmt.num(m.plain().macroF1(), 4), Fmt.pct(m.plain().balancedAccuracy()), "0.0412", "0.0288", "0.9532",
        "<th>with TTA</th>", "3,590");
    assertContains(html, "<th>happy</th><td class=\"n\">" + Fmt.num(m.plain().perClass().get(3).precision(), 3),
        ">810<small>" + Fmt.pct1(810.0 / 895) + "</small>");
    assertContains(html, "paper-cnn", "epochs = 30 · batch = 64", ReportFixtures.FINGERPRINT,
        "same dataset as evaluated", "lowest validation loss 1.0365 at epoch 9");
    assertLacks(html, "NaN", ModelPage.NO_HISTORY, "../index.html");
  }

  @Test
  void everyImageIsEmbeddedAsDataUri() throws IOException {
    String html = read(HtmlReport.write(ReportFixtures.oneModelWithHistory(), dir));

    List<String> sources = imageSources(html);
    assertThat(sources).hasSize(4).allSatisfy(src -> assertThat(src).startsWith("data:image/png;base64,"));
    assertThat(html).as("nothing loaded from elsewhere").doesNotContainPattern("(?i)(href|src)=\"(https?:|//)");
    assertLacks(html, "<link", "@import", "url(");
  }

  @Test
  void missingHistoryAndEmptyClassRenderAsTextNotNan() throws IOException {
    String html = read(HtmlReport.write(ReportFixtures.modelWithEmptyClass(), dir));

    assertThat(dir.resolve("curves.png")).doesNotExist();
    assertContains(html, ModelPage.NO_HISTORY, "differs from the evaluated dataset",
        "<th>disgust</th><td class=\"n\">0.000</td><td class=\"n\">absent</td><td class=\"n\">absent</td>"
            + "<td class=\"n\">absent</td><td class=\"n\">0</td>");
    assertLacks(html, "NaN", "with TTA");
    assertPng(dir.resolve("confusion_matrix.png"), 7 * ConfusionHeatmap.CELL, 7 * ConfusionHeatmap.CELL);
    assertPng(dir.resolve("samples.png"), 5 * 96, 7 * 96);
  }

  @Test
  void photoFolderPageShowsStatusesDetectorResultsRecallIntervalsAndTheFailureGallery() throws IOException {
    EvaluationResult result = ReportFixtures.photoFolder();
    String html = read(HtmlReport.write(result, dir));

    assertContains(html, "photos in <code>file:/photos</code>", "<h2>Inputs</h2>", "77 photos, 58 faces scored",
        "<th>no-face</th><td class=\"n\">9</td><td class=\"n\">11.7%</td>", "<code>image-too-large</code>",
        "<h2>Face detector</h2>", "min 36, mean 104.5, max 212", "<h2>Most confident mistakes</h2>",
        "box [20, 30, 90, 90]", "<th>neutral</th><td class=\"n\">0.000</td><td class=\"n\">absent</td>");
    // happy: 12 of 15; Wilson 95 %: 0.548 .. 0.930
    assertContains(html, "<td class=\"n\">0.800</td><td class=\"n\">0.548 &ndash; 0.930</td>");
    assertLacks(html, "<script>alert", "NaN");
    assertThat(imageSources(html)).as("confusion, reliability, samples and one image per failure")
        .hasSize(3 + ReportFixtures.FAILURES);
  }

  @Test
  void rewritingWithoutHistoryRemovesTheOldCurves() throws IOException {
    HtmlReport.write(ReportFixtures.oneModelWithHistory(), dir);
    assertThat(dir.resolve("curves.png")).exists();

    HtmlReport.write(ReportFixtures.modelWithEmptyClass(), dir);

    assertThat(dir.resolve("curves.png")).doesNotExist();
  }

  @Test
  void severalModelsGetOneFolderEachAndAComparisonPage() throws IOException {
    EvaluationResult result = ReportFixtures.twoModels();
    Path index = HtmlReport.write(result, dir);
    List<String> folders = HtmlReport.folderNames(result.models());

    assertThat(folders).containsExactly("paper-cnn-e30", "_script_alert_x_script_friends_");
    for (String folder : folders) {
      assertThat(dir.resolve(folder).resolve("index.html")).isRegularFile();
      assertPng(dir.resolve(folder).resolve("confusion_matrix.png"), 400, 400);
      assertContains(read(dir.resolve(folder).resolve("index.html")), "href=\"../index.html\"");
    }
    assertThat(dir.resolve("paper-cnn-e30/curves.png")).exists();
    assertThat(dir.resolve(folders.get(1)).resolve("curves.png")).doesNotExist();
    assertThat(dir.resolve("confusion_matrix.png")).doesNotExist();

    String html = read(index);
    PairTest t = result.pairTests().get(0);
    assertContains(html, "href=\"paper-cnn-e30/index.html\"", "<td class=\"n\">140</td><td class=\"n\">95</td>",
        "8.238", "0.0041", "chi2-continuity", Html.esc(ComparisonPage.verdict(t)), "recall <i>disgust</i>");
    assertThat(ComparisonPage.verdict(t)).startsWith("paper-cnn-e30 is more accurate than <script>");
    assertThat(imageSources(html)).hasSize(2).allSatisfy(src -> assertThat(src).startsWith("data:image/png;"));
  }

  @Test
  void hostileModelNameIsEscapedEverywhere() throws IOException {
    EvaluationResult result = ReportFixtures.twoModels();
    HtmlReport.write(result, dir);
    String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;";

    for (Path page : List.of(dir.resolve("index.html"), dir.resolve("_script_alert_x_script_friends_/index.html"))) {
      String html = read(page);
      assertContains(html, escaped);
      assertLacks(html, "<script>alert", "<b>bold</b>");
      assertThat(html.split("<script>", -1)).as("only the page's own script").hasSize(2);
    }
  }

  @Test
  void verdictNamesTheBetterModelOnlyWhenSignificant() {
    assertThat(ComparisonPage.verdict(new PairTest("a", "b", 3, 30, 19.6, 0.00001, "chi2-continuity")))
        .isEqualTo("b is more accurate than a (p = 1.00e-05 < 0.05)");
    assertThat(ComparisonPage.verdict(new PairTest("a", "b", 12, 9, Double.NaN, 0.6636, "exact-binomial")))
        .isEqualTo("no significant difference at α = 0.05 (p = 0.6636)");
    assertThat(ComparisonPage.verdict(new PairTest("a", "b", 0, 0, Double.NaN, Double.NaN, "exact-binomial")))
        .startsWith("no test");
  }

  @Test
  void folderNamesAreSafeUniqueAndNeverAFileOfTheTopFolder() {
    ModelEvaluation base = ReportFixtures.oneModelWithHistory().models().get(0);
    List<String> names = HtmlReport.folderNames(List.of(rename(base, ".."), rename(base, "a/b"),
        rename(base, "a?b"), rename(base, "index.html"), rename(base, "")));

    assertThat(names).containsExactly("model", "a_b", "a_b-2", "index.html-2", "model-2");
  }

  @Test
  void galleryDrawsStoredPixelsUnchangedAtTwiceTheSize() {
    byte[] flat = new byte[48 * 48];
    java.util.Arrays.fill(flat, (byte) 173);
    BufferedImage gallery = SampleGallery.render(
        List.of(new org.ferspark.evaluation.metrics.Sample("a", flat, 48, 0, 1, 0.5)), ReportFixtures.SEVEN);

    long exact = 0;
    for (int y = 0; y < gallery.getHeight(); y++) {
      for (int x = 0; x < gallery.getWidth(); x++) {
        exact += (gallery.getRGB(x, y) & 0xffffff) == 0xadadad ? 1 : 0;
      }
    }
    assertThat(exact).as("pixels of gray 173 (no gamma change, ×2 nearest)").isEqualTo(96 * 96);
  }

  @Test
  void refusesAResultWithoutModels() {
    EvaluationResult empty = new EvaluationResult("d", "test", "fp", List.of(), List.of(), 0);
    assertThatThrownBy(() -> HtmlReport.write(empty, dir)).isInstanceOf(IllegalArgumentException.class);
  }

  static void assertContains(String html, String... needles) {
    assertThat(Arrays.stream(needles).filter(s -> !html.contains(s)).toList()).as("missing from the page").isEmpty();
  }

  /** Checks the page without its embedded images (whose base64 may hold any short string). */
  static void assertLacks(String html, String... needles) {
    String text = html.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]*", "data:");
    assertThat(Arrays.stream(needles).filter(text::contains).toList()).as("must not be in the page").isEmpty();
  }

  static List<String> imageSources(String html) {
    Matcher m = IMG.matcher(html);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    assertThat(html.split("<img", -1)).as("every <img> has a src").hasSize(out.size() + 1);
    return out;
  }

  /** Decodes, is at least {@code minWidth × minHeight} and not one flat colour. */
  static void assertPng(Path file, int minWidth, int minHeight) throws IOException {
    assertThat(file).isRegularFile();
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as(file + " decodes").isNotNull();
    assertThat(image.getWidth()).as(file + " width").isBetween(minWidth, 4000);
    assertThat(image.getHeight()).as(file + " height").isBetween(minHeight, 4000);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as(file + " distinct colours").isGreaterThan(20);
  }

  private static ModelEvaluation rename(ModelEvaluation m, String name) {
    return new ModelEvaluation(name, m.source(), m.metadata(), m.plain(), m.tta(), m.samples(), m.history());
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
