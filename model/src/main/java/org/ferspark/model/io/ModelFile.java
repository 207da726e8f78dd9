package org.ferspark.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.ferspark.preprocessing.io.BoundedRead;
import org.ferspark.preprocessing.io.Limits;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's model file: one zip holding DL4J's {@code ModelSerializer} entries (configuration JSON, weights,
 * optionally the updater state) plus {@value #METADATA_ENTRY}, a plain-JSON {@link ModelMetadata}.
 *
 * <p>Saving is atomic (temporary file in the target directory, then an atomic rename), so a crash leaves either the
 * old file or the new one. Loading checks the zip, the metadata and their agreement with the network before it
 * returns, and refuses any entry outside the known set: DL4J's reader would deserialise a {@code preprocessor.bin}
 * with {@code ObjectInputStream}, so a foreign entry could run code. Every entry is bounded ({@code
 * fer.limits.model.*}): its declared size is checked, and its inflated size counted, before DL4J reads it, so a
 * zip bomb is one message, never an {@code OutOfMemoryError}.
 */
public final class ModelFile {
  /** The zip entry holding {@link ModelMetadata} as JSON. */
  public static final String METADATA_ENTRY = "fer-model.json";

  private static final Set<String> DL4J_ENTRIES = Set.of(ModelSerializer.CONFIGURATION_JSON,
      ModelSerializer.COEFFICIENTS_BIN, ModelSerializer.UPDATER_BIN, ModelSerializer.NO_PARAMS_MARKER);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  private ModelFile() {
  }

  /**
   * Writes {@code graph} and {@code metadata} to {@code target}, replacing it atomically.
   *
   * @param saveUpdater also store the optimiser state (needed to resume training; about doubles the size for Adam)
   * @throws ModelFileException if the metadata does not fit the network; nothing is written then
   */
  public static void save(ComputationGraph graph, ModelMetadata metadata, Path target, boolean saveUpdater)
      throws IOException {
    checkMetadata(metadata, target);
    checkAgainstNetwork(metadata, graph.getConfiguration(), target);
    checkInputFits(graph, metadata, target);
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      ModelSerializer.writeModel(graph, tmp.toFile(), saveUpdater);
      try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
        Files.write(zip.getPath(METADATA_ENTRY), JSON.writeValueAsBytes(metadata));
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes a copy of the model file {@code source} with {@code metadata} in place of its {@value #METADATA_ENTRY},
   * every other entry (weights, configuration, updater state) byte for byte as it was; {@code target} may be
   * {@code source} itself. Atomic like {@link #save}: a copy in the target's directory, then a rename.
   *
   * @throws ModelFileException if {@code source} is not a loadable model file or the metadata does not fit it;
   *     nothing is written then
   */
  public static void replaceMetadata(Path source, ModelMetadata metadata, Path target) throws IOException {
    checkMetadata(metadata, target);
    LoadedModel loaded = load(source, false);
    checkAgainstNetwork(metadata, loaded.graph().getConfiguration(), target);
    checkInputFits(loaded.graph(), metadata, target);
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
        Files.write(zip.getPath(METADATA_ENTRY), JSON.writeValueAsBytes(metadata));
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads only the metadata, without loading the weights. */
  public static ModelMetadata readMetadata(Path file) throws ModelFileException {
    try (ZipFile zip = openZip(file)) {
      return readMetadata(zip, file, Limits.current());
    } catch (IOException e) {
      throw asModelFileException(e, file);
    }
  }

  /** Loads network and metadata, with the updater state if the file has one (to resume training). */
  public static LoadedModel load(Path file) throws ModelFileException {
    return load(file, true);
  }

  /**
   * Loads network and metadata.
   *
   * @param loadUpdater restore the optimiser state too; false for evaluation and inference
   * @throws ModelFileException naming the file and the reason: not a zip or not a model, truncated or corrupt,
   *     missing metadata, unsupported format version, class count or input shape that do not fit the network
   */
  public static LoadedModel load(Path file, boolean loadUpdater) throws ModelFileException {
    ModelMetadata metadata;
    Limits limits = Limits.current();
    try (ZipFile zip = openZip(file)) {
      checkEntries(zip, file);
      metadata = readMetadata(zip, file, limits);
      checkAgainstNetwork(metadata, readConfiguration(zip, file, limits), file);
      checkBinaryEntry(zip, ModelSerializer.COEFFICIENTS_BIN, limits.modelCoefficientsBytes(),
          "fer.limits.model.coefficients-bytes", file);
      if (loadUpdater) {
        checkBinaryEntry(zip, ModelSerializer.UPDATER_BIN, limits.modelUpdaterBytes(),
            "fer.limits.model.updater-bytes", file);
      }
    } catch (IOException e) {
      throw asModelFileException(e, file);
    }
    ComputationGraph graph;
    try {
      graph = ModelSerializer.restoreComputationGraph(file.toFile(), loadUpdater);
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException(file, "corrupt model file, could not read the network: " + e, e);
    }
    checkInputFits(graph, metadata, file);
    return new LoadedModel(graph, metadata);
  }

  /** The hex SHA-256 of a file's bytes (how run metadata and ONNX exports name the model they came from). */
  public static String sha256(Path file) throws IOException {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return java.util.HexFormat.of().formatHex(digest.digest());
  }

  private static ZipFile openZip(Path file) throws ModelFileException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(ZIP_MAGIC.length);
    } catch (NoSuchFileException e) {
      throw new ModelFileException(file, "no such file");
    } catch (IOException e) {
      throw new ModelFileException(file, "cannot read: " + e.getMessage(), e);
    }
    if (head.length == 0) {
      throw new ModelFileException(file, "empty file, not a model");
    }
    if (!Arrays.equals(head, ZIP_MAGIC)) {
      throw new ModelFileException(file, "not a zip file, so not a model file");
    }
    try {
      return new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new ModelFileException(file, "truncated or corrupt zip (" + e.getMessage() + "); was the copy complete?",
          e);
    } catch (IOException e) {
      throw new ModelFileException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  private static void checkEntries(ZipFile zip, Path file) throws ModelFileException {
    List<String> names = new ArrayList<>();
    for (ZipEntry e : Collections.list(zip.entries())) {
      names.add(e.getName());
    }
    if (!names.contains(ModelSerializer.CONFIGURATION_JSON) || !names.contains(ModelSerializer.COEFFICIENTS_BIN)) {
      throw new ModelFileException(file, "not a DL4J model: the zip has no " + ModelSerializer.CONFIGURATION_JSON
          + " and " + ModelSerializer.COEFFICIENTS_BIN + " (entries: " + names + ")");
    }
    for (String name : names) {
      if (!DL4J_ENTRIES.contains(name) && !METADATA_ENTRY.equals(name)) {
        throw new ModelFileException(file, "unexpected entry '" + name + "'; only " + DL4J_ENTRIES + " and "
            + METADATA_ENTRY + " are read (DL4J would deserialise other entries as Java objects)");
      }
    }
  }

  private static ModelMetadata readMetadata(ZipFile zip, Path file, Limits limits) throws IOException {
    ZipEntry entry = zip.getEntry(METADATA_ENTRY);
    if (entry == null) {
      throw new ModelFileException(file, "missing " + METADATA_ENTRY + ": a bare DL4J model, or not written by "
          + "fer-spark; class names, input shape and normalisation are unknown");
    }
    JsonNode json;
    try {
      json = JSON.readTree(readEntry(zip, entry, limits.modelMetadataBytes(), "fer.limits.model.metadata-bytes",
          file));
    } catch (JsonProcessingException e) {
      throw new ModelFileException(file, METADATA_ENTRY + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new ModelFileException(file, METADATA_ENTRY + " is not a JSON object");
    }
    JsonNode version = json.get("formatVersion");
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new ModelFileException(file, METADATA_ENTRY + " has no integer formatVersion");
    }
    if (version.asInt() != ModelMetadata.FORMAT_VERSION) {
      throw new ModelFileException(file, "unsupported formatVersion " + version.asText() + " in " + METADATA_ENTRY
          + "; this build reads version " + ModelMetadata.FORMAT_VERSION);
    }
    ModelMetadata metadata;
    try {
      metadata = JSON.treeToValue(json, ModelMetadata.class);
    } catch (JsonProcessingException e) {
      throw new ModelFileException(file, METADATA_ENTRY + " does not match format " + ModelMetadata.FORMAT_VERSION
          + ": " + e.getOriginalMessage(), e);
    }
    checkMetadata(metadata, file);
    return metadata;
  }

  private static ComputationGraphConfiguration readConfiguration(ZipFile zip, Path file, Limits limits)
      throws IOException {
    byte[] bytes = readEntry(zip, zip.getEntry(ModelSerializer.CONFIGURATION_JSON), limits.modelConfigurationBytes(),
        "fer.limits.model.configuration-bytes", file);
    try {
      return ComputationGraphConfiguration.fromJson(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new ModelFileException(file, "not a ComputationGraph model: " + ModelSerializer.CONFIGURATION_JSON
          + " does not parse as one (" + e.getMessage() + ")", e);
    }
  }

  /** The entry's bytes, refused past {@code limit} by its declared size first, then by what it inflates to. */
  private static byte[] readEntry(ZipFile zip, ZipEntry entry, long limit, String key, Path file)
      throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      BoundedRead.checkDeclared(entry.getSize(), limit, entry.getName(), key);
      return BoundedRead.readAtMost(in, limit, entry.getName(), key);
    } catch (BoundedRead.TooLargeException e) {
      throw new ModelFileException(file, e.getMessage(), e);
    }
  }

  /** Inflates a binary entry once, counting and discarding, so DL4J only ever reads one within its bound. */
  private static void checkBinaryEntry(ZipFile zip, String name, long limit, String key, Path file)
      throws IOException {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      return;
    }
    try (InputStream in = zip.getInputStream(entry)) {
      BoundedRead.checkDeclared(entry.getSize(), limit, name, key);
      BoundedRead.countAtMost(in, limit, name, key);
    } catch (BoundedRead.TooLargeException e) {
      throw new ModelFileException(file, e.getMessage(), e);
    }
  }

  private static void checkMetadata(ModelMetadata m, Path file) throws ModelFileException {
    if (m.formatVersion() != ModelMetadata.FORMAT_VERSION) {
      throw new ModelFileException(file, "unsupported formatVersion " + m.formatVersion() + "; this build writes "
          + ModelMetadata.FORMAT_VERSION);
    }
    if (m.classNames() == null || m.classNames().size() < 2 || m.classNames().stream().anyMatch(
        n -> n == null || n.isBlank()) || Set.copyOf(m.classNames()).size() != m.classNames().size()) {
      throw new ModelFileException(file, "classNames must be at least 2 distinct non-blank names, got "
          + m.classNames());
    }
    if (m.inputShape() == null || m.inputShape().size() != 3 || m.inputShape().stream().anyMatch(
        d -> d == null || d < 1)) {
      throw new ModelFileException(file, "inputShape must be [channels, height, width], got " + m.inputShape());
    }
    if (m.normalisation() == null || m.architecture() == null) {
      throw new ModelFileException(file, "normalisation and architecture are required");
    }
    Calibration c = m.calibration();
    if (c != null && (!Calibration.TEMPERATURE_SCALING.equals(c.method()) || !(c.temperature() > 0)
        || !Double.isFinite(c.temperature()))) {
      throw new ModelFileException(file, "calibration must be method '" + Calibration.TEMPERATURE_SCALING
          + "' with a finite temperature > 0, got method '" + c.method() + "', temperature " + c.temperature());
    }
  }

  private static void checkAgainstNetwork(ModelMetadata m, ComputationGraphConfiguration conf, Path file)
      throws ModelFileException {
    List<String> outputs = conf.getNetworkOutputs();
    if (outputs.size() != 1) {
      throw new ModelFileException(file, "expected a network with one output, found " + outputs);
    }
    GraphVertex out = conf.getVertices().get(outputs.get(0));
    if (out instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FeedForwardLayer ff) {
      if (ff.getNOut() != m.classes()) {
        throw new ModelFileException(file, "metadata lists " + m.classes() + " classes " + m.classNames()
            + " but the network's output layer '" + outputs.get(0) + "' has " + ff.getNOut() + " outputs");
      }
    } else {
      throw new ModelFileException(file, "output '" + outputs.get(0) + "' is not a feed-forward layer");
    }
  }

  /** A forward pass on one zero image of the metadata's input shape: the network must take it and give classes. */
  private static void checkInputFits(ComputationGraph graph, ModelMetadata m, Path file) throws ModelFileException {
    List<Integer> s = m.inputShape();
    INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, s.get(0), s.get(1), s.get(2));
    long[] shape;
    try {
      shape = graph.outputSingle(false, probe).shape();
    } catch (RuntimeException e) {
      throw new ModelFileException(file, "inputShape " + s + " does not fit the network's input: " + e.getMessage(),
          e);
    }
    if (!Arrays.equals(shape, new long[] {1, m.classes()})) {
      throw new ModelFileException(file, "inputShape " + s + " gives output shape " + Arrays.toString(shape)
          + ", expected [1, " + m.classes() + "]");
    }
  }

  private static ModelFileException asModelFileException(IOException e, Path file) {
    return e instanceof ModelFileException mfe ? mfe
        : new ModelFileException(file, "truncated or corrupt zip: " + e.getMessage(), e);
  }
}
