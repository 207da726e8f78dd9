package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The predict CLI without face detection: each image is a face crop. Its probabilities are checked against the
 * network run directly on the same normalised pixels; its output formats, ordering and error handling as a user
 * sees them (exit code, stdout, stderr).
 */
class PredictJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLASSES = Emotion.labelNames(7);

  @TempDir
  static Path dir;
  static Path model;
  static ComputationGraph graph;

  @BeforeAll
  static void tinyModel() throws IOException {
    model = PredictFixtures.tinyModel(dir);
    graph = ModelFile.load(model, false).graph();
  }

  private static PredictFixtures.Run predict(String... args) {
    return PredictFixtures.predict(args);
  }

  @Test
  void jsonProbabilitiesEqualTheNetworkOnTheSameNormalisedPixelsAcrossBatches() throws Exception {
    Path test = PredictFixtures.repoRoot().resolve("data/sample/test");
    PredictFixtures.Run run = predict("--model", model.toString(), "--json", test.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).contains("fer-predict: 70 images, 0 failed");

    List<Path> expected;
    try (var walk = Files.walk(test)) {
      expected = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(expected).as("more images than one batch").hasSizeGreaterThan(PredictJob.BATCH);
    List<String> lines = run.lines();
    assertThat(lines).hasSize(expected.size());
    FaceNormalizer normalizer = new FaceNormalizer(48, Long.MAX_VALUE, Long.MAX_VALUE);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertThat(line.get("path").asText()).isEqualTo(expected.get(i).toString());
      assertThat(fieldNames(line)).containsExactly("path", "label", "confidence", "probabilities");
      JsonNode p = line.get("probabilities");
      assertThat(fieldNames(p)).as("class keys in model order").containsExactlyElementsOf(CLASSES);
      float[] reference = PredictFixtures.graphOutput(graph,
          normalizer.normalize(Files.readAllBytes(expected.get(i)), null));
      double sum = 0;
      int argmax = 0;
      for (int c = 0; c < CLASSES.size(); c++) {
        double v = p.get(CLASSES.get(c)).asDouble();
        assertThat(v).as("%s %s", expected.get(i).getFileName(), CLASSES.get(c)).isCloseTo(reference[c], within(1e-6));
        sum += v;
        argmax = v > p.get(CLASSES.get(argmax)).asDouble() ? c : argmax;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
      assertThat(line.get("label").asText()).isEqualTo(CLASSES.get(argmax));
      assertThat(line.get("confidence").asDouble()).isEqualTo(p.get(CLASSES.get(argmax)).asDouble());
    }
  }

  @Test
  void tableHasOneAlignedRowPerImageWithEveryClass() throws IOException {
    List<Path> happy = PredictFixtures.sample("test", "happy").subList(0, 3);
    PredictFixtures.Run run = predict("--model", model.toString(), happy.get(0).toString(), happy.get(1).toString(),
        happy.get(2).toString());
    assertThat(run.code()).as(run.err()).isZero();
    List<String> lines = run.lines();
    assertThat(lines).hasSize(4);
    String header = lines.get(0);
    assertThat(header.split("\\s+")).containsExactly("path", "label", "confidence", "angry", "disgust", "fear",
        "happy", "sad", "surprise", "neutral");
    for (int i = 1; i < 4; i++) {
      String row = lines.get(i);
      String[] cells = row.split("\\s+");
      assertThat(cells[0]).isEqualTo(happy.get(i - 1).toString());
      assertThat(CLASSES).contains(cells[1]);
      assertThat(row.indexOf(cells[1], cells[0].length())).as("label column").isEqualTo(header.indexOf("label"));
      assertThat(row).hasSameSizeAs(header);
      for (int c = 2; c < cells.length; c++) {
        assertThat(cells[c]).matches("[01]\\.\\d{3}");
      }
      assertThat(cells).hasSize(10);
      assertThat(cells[2]).as("confidence = the label's column").isEqualTo(cells[3 + CLASSES.indexOf(cells[1])]);
    }
  }

  @Test
  void topKPrintsOnlyTheMostProbableClassesInDescendingOrder() throws IOException {
    Path face = PredictFixtures.sample("test", "sad").get(0);
    PredictFixtures.Run table = predict("--model", model.toString(), "--top", "2", face.toString());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.lines().get(0)).endsWith("top 2");
    String[] row = table.lines().get(1).split("\\s+");
    assertThat(row).hasSize(7);
    assertThat(row[3]).isEqualTo(row[1]);
    assertThat(Double.parseDouble(row[4])).isGreaterThanOrEqualTo(Double.parseDouble(row[6]));

    PredictFixtures.Run json = predict("--model", model.toString(), "--top", "3", "--json", face.toString());
    JsonNode p = JSON.readTree(json.lines().get(0)).get("probabilities");
    List<String> names = fieldNames(p);
    assertThat(names).hasSize(3);
    assertThat(p.get(names.get(0)).asDouble()).isGreaterThanOrEqualTo(p.get(names.get(1)).asDouble());
    assertThat(p.get(names.get(1)).asDouble()).isGreaterThanOrEqualTo(p.get(names.get(2)).asDouble());
  }

  @Test
  void directoriesAreWalkedRecursivelyInPathOrderSkippingHiddenAndNonImageFiles() throws IOException {
    Path root = Files.createDirectories(dir.resolve("tree"));
    List<Path> faces = PredictFixtures.sample("validation", "neutral");
    copy(faces.get(0), root.resolve("b/deep/er/one.jpg"));
    copy(faces.get(1), root.resolve("a/two.JPEG"));
    copy(faces.get(2), root.resolve("a/three.png"));
    copy(faces.get(3), root.resolve("c.jpg"));
    copy(faces.get(4), root.resolve(".hidden/four.jpg"));
    copy(faces.get(5), root.resolve("a/.five.jpg"));
    Files.writeString(root.resolve("a/notes.txt"), "not an image");
    PredictFixtures.Run run = predict("--model", model.toString(), "--json", root.toString(),
        faces.get(6).toString());
    assertThat(run.code()).as(run.err()).isZero();
    List<String> paths = new ArrayList<>();
    for (String line : run.lines()) {
      paths.add(JSON.readTree(line).get("path").asText());
    }
    assertThat(paths).containsExactly(root.resolve("a/three.png").toString(), root.resolve("a/two.JPEG").toString(),
        root.resolve("b/deep/er/one.jpg").toString(), root.resolve("c.jpg").toString(), faces.get(6).toString());
  }

  @Test
  void aFifoABrokenLinkAndASymlinkLoopInAFolderAreListedAndCountedAsSkipped() throws Exception {
    Path root = Files.createDirectories(dir.resolve("odd"));
    copy(PredictFixtures.sample("test", "happy").get(0), root.resolve("sub/face.jpg"));
    Path fifo = root.resolve("pipe.jpg");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path loop = Files.createSymbolicLink(root.resolve("sub/loop"), root);
    Path broken = Files.createSymbolicLink(root.resolve("gone.png"), root.resolve("nowhere.png"));

    PredictFixtures.Run run = predict("--model", model.toString(), "--json", root.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.lines()).singleElement().asString().contains("face.jpg");
    assertThat(run.err()).contains("fer-predict: " + fifo + ": not-a-regular-file")
        .contains("fer-predict: " + loop + ": symlink-loop")
        .contains("fer-predict: " + broken + ": broken-symlink")
        .contains("fer-predict: 1 image, 0 failed, 3 skipped");

    PredictFixtures.Run named = predict("--model", model.toString(), fifo.toString());
    assertThat(named.code()).as("a FIFO named on the command line is a failure, never opened").isEqualTo(1);
    assertThat(named.err()).contains("fer-predict: " + fifo + ": not-a-regular-file")
        .contains("1 image, 1 failed");
  }

  @Test
  void anUndecodableImageIsNamedWithItsReasonAndTheOthersAreStillPrinted() throws IOException {
    Path in = Files.createDirectories(dir.resolve("mixed"));
    List<Path> faces = PredictFixtures.sample("test", "angry");
    copy(faces.get(0), in.resolve("a.jpg"));
    Files.writeString(in.resolve("b.jpg"), "this is text, not a JPEG");
    byte[] jpeg = Files.readAllBytes(faces.get(1));
    Files.write(in.resolve("c.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    copy(faces.get(2), in.resolve("d.jpg"));
    Path missing = dir.resolve("gone.png");
    PredictFixtures.Run run = predict("--model", model.toString(), "--json", in.toString(), missing.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.lines()).hasSize(2);
    assertThat(run.lines().get(0)).contains("a.jpg");
    assertThat(run.lines().get(1)).contains("d.jpg");
    assertThat(run.err()).contains("fer-predict: " + in.resolve("b.jpg") + ": unsupported-format")
        .contains("fer-predict: " + in.resolve("c.jpg") + ": truncated-image")
        .contains("fer-predict: " + missing + ": file-not-found")
        .contains("fer-predict: 5 images, 3 failed")
        .doesNotContain("Exception");
  }

  @Test
  void withoutModelTheMissingDefaultIsExplained() throws IOException {
    Path face = PredictFixtures.sample("test", "happy").get(0);
    PredictFixtures.Run run = predict(face.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("no --model given").contains("fer2013-default.zip").contains("--model FILE");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aModelFileThatIsNotAModelIsNamedWithTheReason() throws IOException {
    Path face = PredictFixtures.sample("test", "happy").get(0);
    Path text = Files.writeString(dir.resolve("notes.zip"), "not a model");
    PredictFixtures.Run run = predict("--model", text.toString(), face.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("fer-predict: error: " + text + ": not a zip file, so not a model file");

    byte[] zip = Files.readAllBytes(model);
    Path truncated = Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(zip, zip.length / 2));
    run = predict("--model", truncated.toString(), face.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains(truncated.toString()).contains("truncated or corrupt");

    Path future = dir.resolve("future.zip");
    Files.copy(model, future);
    try (var fs = FileSystems.newFileSystem(future)) {
      Path meta = fs.getPath(ModelFile.METADATA_ENTRY);
      String json = Files.readString(meta);
      Files.writeString(meta, json.replaceFirst("\"formatVersion\"\\s*:\\s*1", "\"formatVersion\": 99"));
    }
    run = predict("--model", future.toString(), face.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains(future.toString()).contains("unsupported formatVersion 99");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(predict().code()).as("no image").isEqualTo(2);
    assertThat(predict("--model", model.toString(), "--top", "0", "x.jpg").code()).as("--top 0").isEqualTo(2);
    assertThat(predict("--model", model.toString(), "--bogus", "x.jpg").code()).as("unknown option").isEqualTo(2);
    PredictFixtures.Run run = predict("--model", model.toString(), "--min-face", "40", "x.jpg");
    assertThat(run.code()).as("--min-face without --detect-faces").isEqualTo(2);
    assertThat(run.err()).contains("--detect-faces");
    run = predict("--model", model.toString(), "--set", "fer.realtime.no-such-key=1", "x.jpg");
    assertThat(run.code()).as("unknown configuration key").isEqualTo(2);
    assertThat(run.err()).contains("fer.realtime.no-such-key");
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
