package org.ferspark.preprocessing.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Splits;
import org.ferspark.preprocessing.image.Tensors;

/**
 * Builds and writes {@code manifest.json}, the last file of a preprocessing run: an output without it is
 * incomplete. Holds the counts (per split, class and reject reason), the tensor contract, the label order, the
 * resolved configuration and fingerprints.
 */
final class Manifest {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Counts of one split: originals and augmented copies per class. */
  record SplitCounts(Map<String, Long> originalByClass, Map<String, Long> augmentedByClass) {}

  private Manifest() {}

  static ObjectNode build(PreprocessSettings settings, String input, String format, List<String> labels, long inputs,
      String inputFingerprint, Map<String, SplitCounts> splits, Map<String, Long> rejectedByReason,
      long crossSplitDuplicates) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", TensorSchema.SCHEMA_VERSION);
    root.put("format", format);
    root.put("input", input);
    root.put("inputs", inputs);
    root.put("inputFingerprint", inputFingerprint);
    root.put("fingerprint", fingerprint(inputFingerprint, settings.configJson()));
    ArrayNode labelArray = root.putArray("labels");
    labels.forEach(labelArray::add);
    ObjectNode tensor = root.putObject("tensor");
    tensor.putArray("shape").add(settings.imageSize()).add(settings.imageSize());
    tensor.put("dtype", "uint8");
    tensor.put("layout", "HW row-major, grayscale, no header");
    tensor.put("column", "pixels");
    tensor.put("normalisation", Tensors.NORMALISATION);
    tensor.put("path", TensorSchema.TENSORS_DIR + "/split=<split>/*.parquet");
    ObjectNode splitsNode = root.putObject("splits");
    for (String split : Splits.ALL) {
      SplitCounts c = splits.getOrDefault(split, new SplitCounts(Map.of(), Map.of()));
      long original = sum(c.originalByClass());
      long augmented = sum(c.augmentedByClass());
      ObjectNode s = splitsNode.putObject(split);
      s.put("total", original + augmented);
      s.put("original", original);
      s.put("augmented", augmented);
      ObjectNode byClass = s.putObject("byClass");
      ObjectNode originalByClass = s.putObject("originalByClass");
      for (String label : labels) {
        byClass.put(label, c.originalByClass().getOrDefault(label, 0L) + c.augmentedByClass().getOrDefault(label, 0L));
        originalByClass.put(label, c.originalByClass().getOrDefault(label, 0L));
      }
    }
    ObjectNode rejected = root.putObject("rejected");
    rejected.put("total", sum(rejectedByReason));
    ObjectNode byReason = rejected.putObject("byReason");
    new TreeMap<>(rejectedByReason).forEach(byReason::put);
    rejected.put("path", TensorSchema.REJECTS_DIR + "/*.json");
    root.put("crossSplitDuplicates", crossSplitDuplicates);
    root.set("config", JSON.readTree(settings.configJson()));
    root.put("createdAt", Instant.now().toString());
    return root;
  }

  /** Writes {@code manifest.json} under a temporary name, then renames it into place. */
  static Path write(ObjectNode manifest, String output, Configuration hadoop) throws IOException {
    Path dir = new Path(output);
    FileSystem fs = dir.getFileSystem(hadoop);
    Path tmp = new Path(dir, "_" + TensorSchema.MANIFEST + ".tmp");
    Path target = new Path(dir, TensorSchema.MANIFEST);
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename " + tmp + " to " + target);
    }
    return fs.makeQualified(target);
  }

  /** The dataset fingerprint models record: input fingerprint + resolved configuration. */
  static String fingerprint(String inputFingerprint, String configJson) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(("schema=" + TensorSchema.SCHEMA_VERSION + ";inputs=" + inputFingerprint + ";config=")
          .getBytes(StandardCharsets.UTF_8));
      sha.update(configJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
