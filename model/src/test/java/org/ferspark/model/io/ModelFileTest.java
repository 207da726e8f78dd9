package org.ferspark.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.ferspark.model.TestData;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import com.typesafe.config.ConfigFactory;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.io.Limits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ModelFileTest {
  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  private static ComputationGraph graph;
  private static ModelMetadata metadata;
  private static Path saved;

  @BeforeAll
  static void saveOneModel() throws IOException {
    graph = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    graph.fit(TestData.batch(4, 3));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("epochs", 30);
    config.put("batch", 64);
    config.put("updater", Map.of("type", "adam", "lr", 0.001));
    metadata = ModelMetadata.of(Emotion.labelNames(7), "vgg-bn", config, "sha256:abc123");
    saved = shared.resolve("model.zip");
    ModelFile.save(graph, metadata, saved, true);
  }

  @Test
  void roundTripKeepsOutputsUpdaterStateAndMetadata() throws IOException {
    LoadedModel loaded = ModelFile.load(saved);
    INDArray x = TestData.images(5, 9);

    assertThat(loaded.metadata()).isEqualTo(metadata);
    assertThat(loaded.graph().outputSingle(x)).isEqualTo(graph.outputSingle(x));
    assertThat(loaded.graph().getUpdater().getStateViewArray())
        .isEqualTo(graph.getUpdater().getStateViewArray());
  }

  @Test
  void loadsWithoutTheUpdaterStateForInference() throws IOException {
    LoadedModel loaded = ModelFile.load(saved, false);
    INDArray x = TestData.images(2, 4);

    assertThat(loaded.graph().outputSingle(x)).isEqualTo(graph.outputSingle(x));
  }

  @Test
  void metadataIsPlainJsonWithTheDocumentedFields() throws IOException {
    ModelMetadata m = ModelFile.readMetadata(saved);
    String json = entryText(saved, ModelFile.METADATA_ENTRY);

    assertThat(m.classNames()).containsExactly("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
    assertThat(m.inputShape()).containsExactly(1, 48, 48);
    assertThat(m.normalisation()).isEqualTo("x / 255");
    assertThat(m.projectVersion()).isNotBlank().isNotEqualTo("dev");
    assertThat(json).contains("\"formatVersion\" : 1", "\"trainingConfig\" : {", "\"datasetFingerprint\"",
        "\"createdAt\"");
  }

  @Test
  void aFileWithoutCalibrationLoadsWithTemperatureOne() throws IOException {
    assertThat(entryText(saved, ModelFile.METADATA_ENTRY)).doesNotContain("calibration");
    assertThat(ModelFile.readMetadata(saved).temperature()).isEqualTo(1);
    Path shipped = Path.of(System.getProperty("fer.repo.root", "..")).resolve("models/fer2013-default.zip");
    ModelMetadata calibrated = ModelFile.readMetadata(shipped);
    assertThat(calibrated.calibration()).as("the shipped model is calibrated (calibrate.sh, validation split)")
        .isNotNull();
    assertThat(calibrated.calibration().split()).isEqualTo("validation");
    assertThat(calibrated.temperature()).isBetween(0.5, 1.5);
  }

  @Test
  void replaceMetadataStoresTheCalibrationAndKeepsEveryOtherEntryByteForByte() throws IOException {
    ComputationGraph tiny = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7));
    tiny.fit(TestData.batch(2, 1));
    Path source = shared.resolve("tiny-with-updater.zip");
    ModelMetadata plain = ModelMetadata.of(Emotion.labelNames(7), "tiny-cnn", Map.of(), "fp");
    ModelFile.save(tiny, plain, source, true);
    Calibration c = new Calibration(Calibration.TEMPERATURE_SCALING, 1.75, "validation", 70, 1.9, 1.8, 0.2, 0.05,
        "sha256:abc123", "2026-12-01T00:00:00Z");
    Path target = dir.resolve("calibrated.zip");

    ModelFile.replaceMetadata(source, plain.withCalibration(c), target);

    ModelMetadata back = ModelFile.load(target, true).metadata();
    assertThat(back.calibration()).isEqualTo(c);
    assertThat(back.temperature()).isEqualTo(1.75);
    assertThat(back.withCalibration(null)).isEqualTo(plain);
    assertThat(entryText(target, ModelFile.METADATA_ENTRY)).contains("\"temperature\" : 1.75");
    for (String entry : List.of(ModelSerializer.COEFFICIENTS_BIN, ModelSerializer.UPDATER_BIN,
        ModelSerializer.CONFIGURATION_JSON)) {
      assertThat(entryBytes(target, entry)).as(entry).isEqualTo(entryBytes(source, entry));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(target);
    }
  }

  @Test
  void rejectsACalibrationWithoutAUsableTemperature() {
    for (double t : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      Calibration bad = new Calibration(Calibration.TEMPERATURE_SCALING, t, "validation", 1, 0, 0, 0, 0, "", "");
      assertThatThrownBy(() -> ModelFile.replaceMetadata(saved, metadata.withCalibration(bad), dir.resolve("x.zip")))
          .isInstanceOf(ModelFileException.class).hasMessageContaining("temperature");
    }
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void saveReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
    Path target = dir.resolve("model.zip");
    Files.writeString(target, "old contents");

    ModelFile.save(graph, metadata, target, false);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
    assertThat(ModelFile.load(target).metadata()).isEqualTo(metadata);
  }

  @Test
  void saveRefusesMetadataThatDoesNotFitTheNetworkAndWritesNothing() {
    Path target = dir.resolve("model.zip");

    assertThatThrownBy(() -> ModelFile.save(graph, metadata.withClassNames(Emotion.labelNames(8)), target, false))
        .isInstanceOf(ModelFileException.class)
        .hasMessageContaining("8 classes").hasMessageContaining("7 outputs");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void rejectsATruncatedFile() throws IOException {
    Path file = copyOfSaved();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(file.toString()).hasMessageContaining("truncated");
  }

  @Test
  void rejectsATextFileNamedZip() throws IOException {
    Path file = dir.resolve("model.zip");
    Files.writeString(file, "this is not a model\n");

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(file.toString()).hasMessageContaining("not a zip file");
    assertThatThrownBy(() -> ModelFile.readMetadata(file)).hasMessageContaining("not a zip file");
  }

  @Test
  void rejectsAMissingFile() {
    Path file = dir.resolve("nope.zip");

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessage(file + ": no such file");
  }

  @Test
  void rejectsABareDl4jZipWithoutMetadata() throws IOException {
    Path file = dir.resolve("bare.zip");
    ModelSerializer.writeModel(graph, file.toFile(), false);

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(file.toString()).hasMessageContaining("missing fer-model.json");
  }

  @Test
  void rejectsAZipThatIsNotAModel() throws IOException {
    Path file = dir.resolve("other.zip");
    try (FileSystem zip = FileSystems.newFileSystem(file, Map.of("create", "true"))) {
      Files.writeString(zip.getPath("readme.txt"), "hello");
    }

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("not a DL4J model");
  }

  @Test
  void rejectsAnUnsupportedFormatVersion() throws IOException {
    Path file = withMetadata(metadata.withFormatVersion(2));

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("unsupported formatVersion 2").hasMessageContaining("reads version 1");
    assertThatThrownBy(() -> ModelFile.readMetadata(file)).hasMessageContaining("unsupported formatVersion 2");
  }

  @Test
  void rejectsMoreClassNamesThanNetworkOutputs() throws IOException {
    Path file = withMetadata(metadata.withClassNames(Emotion.labelNames(8)));

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("metadata lists 8 classes").hasMessageContaining("has 7 outputs");
  }

  @Test
  void rejectsAnInputShapeTheNetworkCannotTake() throws IOException {
    Path file = withMetadata(metadata.withInputShape(List.of(3, 48, 48)));

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("inputShape [3, 48, 48] does not fit the network's input");
  }

  @Test
  void rejectsEntriesThatDl4jWouldDeserialiseAsJavaObjects() throws IOException {
    Path file = copyOfSaved();
    try (FileSystem zip = FileSystems.newFileSystem(file)) {
      Files.write(zip.getPath(ModelSerializer.PREPROCESSOR_BIN), new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5});
    }

    assertThatThrownBy(() -> ModelFile.load(file)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("unexpected entry 'preprocessor.bin'");
  }

  @Test
  void refusesAConfigurationJsonBombInOneLineBeforeInflatingIt() throws IOException {
    Path file = withEntry(ModelSerializer.CONFIGURATION_JSON, spaces(40 << 20));

    assertThatThrownBy(() -> ModelFile.load(file, false)).isInstanceOf(ModelFileException.class)
        .hasMessageStartingWith(file.toString()).hasMessageContaining("configuration.json")
        .hasMessageContaining("fer.limits.model.configuration-bytes = 16777216").hasMessageNotContaining("\n");
  }

  @Test
  void refusesAMetadataBombInOneLine() throws IOException {
    Path file = withEntry(ModelFile.METADATA_ENTRY, spaces(40 << 20));

    assertThatThrownBy(() -> ModelFile.load(file, false)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("fer-model.json").hasMessageContaining("fer.limits.model.metadata-bytes");
    assertThatThrownBy(() -> ModelFile.readMetadata(file)).hasMessageContaining("fer.limits.model.metadata-bytes");
  }

  @Test
  void refusesCoefficientsAndUpdaterLargerThanTheirBounds() throws IOException {
    long coefficients = entrySize(saved, ModelSerializer.COEFFICIENTS_BIN);
    long updater = entrySize(saved, ModelSerializer.UPDATER_BIN);
    try {
      useLimits("fer.limits.model.coefficients-bytes = " + (coefficients - 1));
      assertThatThrownBy(() -> ModelFile.load(saved, false)).isInstanceOf(ModelFileException.class)
          .hasMessageContaining("coefficients.bin").hasMessageContaining("fer.limits.model.coefficients-bytes = "
              + (coefficients - 1));
      useLimits("fer.limits.model.updater-bytes = " + (updater - 1));
      assertThatThrownBy(() -> ModelFile.load(saved, true)).isInstanceOf(ModelFileException.class)
          .hasMessageContaining(ModelSerializer.UPDATER_BIN).hasMessageContaining("fer.limits.model.updater-bytes");
      assertThat(ModelFile.load(saved, false).metadata()).isEqualTo(metadata);
      useLimits("fer.limits.model.updater-bytes = " + updater + "\nfer.limits.model.coefficients-bytes = "
          + coefficients);
      assertThat(ModelFile.load(saved, true).graph().getUpdater().getStateViewArray()).isNotNull();
    } finally {
      Limits.use(ConfigFactory.load());
    }
  }

  @Test
  void aTruncatedConfigurationJsonIsAOneLineError() throws IOException {
    String json = entryText(saved, ModelSerializer.CONFIGURATION_JSON);
    Path file = withEntry(ModelSerializer.CONFIGURATION_JSON,
        json.substring(0, json.length() / 2).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThatThrownBy(() -> ModelFile.load(file, false)).isInstanceOf(ModelFileException.class)
        .hasMessageContaining("does not parse").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
  }

  private static void useLimits(String hocon) {
    Limits.use(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
  }

  private static byte[] spaces(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) ' ');
    return b;
  }

  private static byte[] entryBytes(Path file, String entry) throws IOException {
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
      return zip.getInputStream(zip.getEntry(entry)).readAllBytes();
    }
  }

  private static long entrySize(Path file, String entry) throws IOException {
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
      return zip.getEntry(entry).getSize();
    }
  }

  private Path withEntry(String entry, byte[] bytes) throws IOException {
    Path file = copyOfSaved();
    try (FileSystem zip = FileSystems.newFileSystem(file)) {
      Files.write(zip.getPath(entry), bytes);
    }
    assertThat(Files.size(file)).as("the bomb is small on disk").isLessThan(Files.size(saved) + (1 << 20));
    return file;
  }

  private Path copyOfSaved() throws IOException {
    Path copy = dir.resolve("copy.zip");
    Files.copy(saved, copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  /** A copy of the saved model whose metadata entry is replaced, as a hand-edited or foreign file would be. */
  private Path withMetadata(ModelMetadata m) throws IOException {
    Path file = copyOfSaved();
    try (FileSystem zip = FileSystems.newFileSystem(file)) {
      Files.write(zip.getPath(ModelFile.METADATA_ENTRY), new com.fasterxml.jackson.databind.ObjectMapper()
          .writeValueAsBytes(m));
    }
    return file;
  }

  private static String entryText(Path file, String entry) throws IOException {
    try (FileSystem zip = FileSystems.newFileSystem(file)) {
      return Files.readString(zip.getPath(entry));
    }
  }
}
