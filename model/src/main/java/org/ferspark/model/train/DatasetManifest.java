package org.ferspark.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.BoundedRead;
import org.ferspark.preprocessing.io.Limits;
import org.ferspark.preprocessing.io.OneLine;

/**
 * The parts of a preprocessed dataset's {@code manifest.json} training relies on: schema version, label order,
 * tensor shape, per-split class counts and the fingerprint models record. Written by the preprocessing job
 * ({@code submit-scripts/preprocess.sh}); read here through Hadoop, so the dataset may live on any Hadoop path.
 *
 * @param labels class names in label order
 * @param height tensor height
 * @param width tensor width
 * @param fingerprint the dataset fingerprint
 * @param trainOriginalByClass original (not augmented) training images per class, in label order
 * @param splitTotals total rows per split name (train, validation, test)
 */
public record DatasetManifest(List<String> labels, int height, int width, String fingerprint,
    long[] trainOriginalByClass, java.util.Map<String, Long> splitTotals) {

  /** The Parquet layout version this build reads ({@code TensorSchema.SCHEMA_VERSION} of the preprocessing job). */
  public static final int SCHEMA_VERSION = 1;
  public static final String FILE = "manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads and checks {@code <data>/manifest.json}; a missing or foreign manifest is an {@link InputError}. */
  public static DatasetManifest read(String data, Configuration hadoop) {
    Path path = new Path(data, FILE);
    JsonNode root;
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      long limit = Limits.current().jsonBytes();
      try (InputStream in = fs.open(path)) {
        root = JSON.readTree(BoundedRead.readAtMost(in, limit, FILE, "fer.limits.json-bytes"));
      }
      if (root == null || !root.isObject()) {
        throw new InputError(path + " is not a JSON object");
      }
    } catch (FileNotFoundException e) {
      throw new InputError(data + " is not a preprocessed dataset: no " + FILE + " (run submit-scripts/preprocess.sh"
          + " first, and let it finish: the manifest is written last)");
    } catch (IOException e) {
      throw new InputError("cannot read " + path + ": " + OneLine.of(e.getMessage()));
    }
    int version = root.path("schemaVersion").asInt(-1);
    if (version != SCHEMA_VERSION) {
      throw new InputError(path + " has schemaVersion " + root.path("schemaVersion") + "; this build reads "
          + SCHEMA_VERSION + " (re-run preprocessing with this version)");
    }
    List<String> labels = new ArrayList<>();
    root.path("labels").forEach(l -> labels.add(l.asText()));
    if (labels.size() < 2) {
      throw new InputError(path + " lists " + labels.size() + " labels; need at least 2");
    }
    JsonNode shape = root.path("tensor").path("shape");
    if (shape.size() != 2 || !shape.get(0).canConvertToInt() || !shape.get(1).canConvertToInt()) {
      throw new InputError(path + " has no tensor.shape [height, width]");
    }
    long[] trainCounts = new long[labels.size()];
    JsonNode byClass = root.path("splits").path("train").path("originalByClass");
    for (int c = 0; c < labels.size(); c++) {
      trainCounts[c] = byClass.path(labels.get(c)).asLong(0);
    }
    java.util.Map<String, Long> totals = new java.util.LinkedHashMap<>();
    root.path("splits").fields().forEachRemaining(e -> totals.put(e.getKey(), e.getValue().path("total").asLong(0)));
    return new DatasetManifest(List.copyOf(labels), shape.get(0).asInt(), shape.get(1).asInt(),
        root.path("fingerprint").asText(""), trainCounts, java.util.Map.copyOf(totals));
  }

  /** Fails unless the tensors are {@code size × size}, the network's input. */
  public void requireShape(int size) {
    if (height != size || width != size) {
      throw new InputError("the dataset's tensors are " + height + "x" + width + " but training expects " + size
          + "x" + size + " (fer.image.size); re-run preprocessing or set fer.image.size");
    }
  }

  /** Fails unless the manifest counts rows in {@code split}. */
  public void requireSplit(String split) {
    if (splitTotals.getOrDefault(split, 0L) <= 0) {
      throw new InputError("split '" + split + "' of the dataset is " + (splitTotals.containsKey(split) ? "empty"
          : "missing") + " (manifest: " + splitTotals + "); training needs images in train and validation");
    }
  }

  public int classes() {
    return labels.size();
  }
}
