package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;

/**
 * The shared fixture of the Spark pipeline tests: one small local session per test class, settings built through
 * the real configuration path ({@link FerConfig}), and readers of a run's output (tensors through Spark, the
 * manifest and the rejects through plain JSON parsing).
 */
final class SparkFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  private SparkFixture() {}

  /** A local session with the UI off and few shuffle partitions; Kryo as in conf/spark-defaults.conf if asked. */
  static SparkSession start(String master, boolean kryo) {
    SparkSession.Builder builder = SparkSession.builder()
        .master(master)
        .appName("fer-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.adaptive.enabled", "true");
    if (kryo) {
      builder.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    return builder.getOrCreate();
  }

  static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** Settings from reference.conf + {@code --set} strings + flags (full keys), like the job builds them. */
  static PreprocessSettings settings(String input, String output, boolean overwrite, Map<String, Object> flags,
      String... sets) {
    return PreprocessSettings.from(FerConfig.load(null, List.of(sets), flags), input, output, overwrite);
  }

  static PreprocessSettings settings(Path input, Path output, Map<String, Object> flags, String... sets) {
    return settings(input.toString(), output.toString(), false, flags, sets);
  }

  /** The repository root (surefire sets {@code fer.repo.root}; a module's working directory otherwise). */
  static Path repoRoot() {
    String root = System.getProperty("fer.repo.root");
    Path path = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return path.toAbsolutePath().normalize();
  }

  static Path sampleData() {
    Path sample = repoRoot().resolve("data/sample");
    assertThat(sample).as("data/sample under the repository root").isDirectory();
    return sample;
  }

  /** Copies a file tree. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Copies the first {@code n} files (by name) of a folder into another. */
  static List<Path> copyFirst(Path fromDir, Path toDir, int n) throws IOException {
    Files.createDirectories(toDir);
    List<Path> copied = new ArrayList<>();
    try (Stream<Path> files = Files.list(fromDir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().limit(n).toList()) {
        copied.add(Files.copy(f, toDir.resolve(f.getFileName().toString())));
      }
    }
    return copied;
  }

  /** The manifest of an output (any Hadoop path), parsed with Jackson. */
  static JsonNode manifest(String output, Configuration hadoop) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(output, TensorSchema.MANIFEST);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return JSON.readTree(in);
    }
  }

  /** One line of {@code rejects/}. */
  record Reject(String source, String id, String reason, String detail) {}

  /** Every JSON line under {@code rejects/}, parsed with Jackson (not Spark). */
  static List<Reject> rejects(String output, Configuration hadoop) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(output, TensorSchema.REJECTS_DIR);
    FileSystem fs = dir.getFileSystem(hadoop);
    List<Reject> rejects = new ArrayList<>();
    for (FileStatus file : fs.listStatus(dir)) {
      String name = file.getPath().getName();
      if (!name.endsWith(".json")) {
        continue;
      }
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = JSON.readTree(line);
          rejects.add(new Reject(n.path("source").asText(null), n.path("id").asText(null),
              n.path("reason").asText(null), n.path("detail").asText(null)));
        }
      }
    }
    return rejects;
  }

  /** A written tensor as read back through Spark (split from the partition folder). */
  record Tensor(String id, String source, int label, String labelName, byte[] pixels, int height, int width,
      int copy, String augmentation, String split) {
    String pixelsHex() {
      return HexFormat.of().formatHex(pixels);
    }
  }

  /** All tensors of an output, by id (sorted). */
  static Map<String, Tensor> tensors(SparkSession spark, String output) {
    Map<String, Tensor> byId = new TreeMap<>();
    for (Row r : spark.read().parquet(new org.apache.hadoop.fs.Path(output, TensorSchema.TENSORS_DIR).toString())
        .collectAsList()) {
      Tensor t = new Tensor(r.getAs("id"), r.getAs("source"), r.<Integer>getAs("label"), r.getAs("label_name"),
          r.getAs("pixels"), r.<Integer>getAs("height"), r.<Integer>getAs("width"), r.<Integer>getAs("copy"),
          r.getAs("augmentation"), r.getAs("split"));
      Tensor previous = byId.put(t.id(), t);
      assertThat(previous).as("tensor id %s written twice", t.id()).isNull();
    }
    return byId;
  }

  /** id → (split, label, pixels as hex): what "identical tensors" means when two runs are compared. */
  static Map<String, String> fingerprintById(Map<String, Tensor> tensors) {
    Map<String, String> out = new TreeMap<>();
    tensors.forEach((id, t) -> out.put(id, t.split() + "/" + t.label() + "/" + t.copy() + "/" + t.pixelsHex()));
    return out;
  }

  /** Reason counts of a rejects list. */
  static Map<String, Long> countByReason(List<Reject> rejects) {
    Map<String, Long> out = new TreeMap<>();
    rejects.forEach(r -> out.merge(r.reason(), 1L, Long::sum));
    return out;
  }

  /** The manifest's {@code rejected.byReason} as a map. */
  static Map<String, Long> manifestByReason(JsonNode manifest) {
    Map<String, Long> out = new TreeMap<>();
    manifest.path("rejected").path("byReason").fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
