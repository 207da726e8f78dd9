package org.ferspark.model.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferspark.preprocessing.config.FerConfig;

/**
 * The classes a run trains on, derived from the dataset's label order ({@code manifest.json}) by
 * {@code fer.train.labels.drop} (classes whose images are left out, e.g. {@code [neutral]} for a 6-class net) and
 * {@code fer.train.labels.merge} (e.g. {@code {disgust = angry}}: disgust images are trained as angry). The run's
 * label order is the dataset's with the dropped and merged-away classes removed.
 *
 * @param labels the run's classes, in output order
 * @param map dataset label index → run label index, or -1 for a dropped class
 */
public record LabelSet(List<String> labels, int[] map) {

  /** The dataset's own classes, unchanged. */
  public static LabelSet identity(List<String> datasetLabels) {
    int[] map = new int[datasetLabels.size()];
    for (int i = 0; i < map.length; i++) {
      map[i] = i;
    }
    return new LabelSet(List.copyOf(datasetLabels), map);
  }

  /**
   * Binds {@code fer.train.labels.*} against the dataset's classes; {@code parentLabels} (the model fine-tuned
   * from, or empty) only improves the messages. Every error is a {@link FerConfig.ConfigError} naming the key.
   */
  public static LabelSet from(Config config, List<String> datasetLabels, List<String> parentLabels) {
    List<String> drop;
    Map<String, String> merge = new LinkedHashMap<>();
    try {
      drop = config.getStringList("fer.train.labels.drop");
      Config m = config.getConfig("fer.train.labels.merge");
      m.root().keySet().forEach(k -> merge.put(k, m.getString(quote(k))));
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
    for (String d : drop) {
      requireDatasetClass("fer.train.labels.drop", d, datasetLabels, parentLabels);
    }
    for (Map.Entry<String, String> e : merge.entrySet()) {
      String key = "fer.train.labels.merge." + e.getKey();
      requireDatasetClass(key, e.getKey(), datasetLabels, parentLabels);
      requireDatasetClass(key, e.getValue(), datasetLabels, parentLabels);
      if (e.getKey().equals(e.getValue()) || merge.containsKey(e.getValue()) || drop.contains(e.getValue())
          || drop.contains(e.getKey())) {
        throw new FerConfig.ConfigError(key + " = " + e.getValue() + " is ambiguous: a class merged into itself, "
            + "into a class that is itself merged or dropped, or a dropped class merged (drop " + drop + ", merge "
            + merge + ")");
      }
    }
    List<String> labels = new ArrayList<>();
    for (String l : datasetLabels) {
      if (!drop.contains(l) && !merge.containsKey(l)) {
        labels.add(l);
      }
    }
    if (labels.size() < 2) {
      throw new FerConfig.ConfigError("fer.train.labels leaves " + labels + ": at least 2 classes are needed");
    }
    int[] map = new int[datasetLabels.size()];
    for (int i = 0; i < map.length; i++) {
      String l = datasetLabels.get(i);
      map[i] = drop.contains(l) ? -1 : labels.indexOf(merge.getOrDefault(l, l));
    }
    return new LabelSet(List.copyOf(labels), map);
  }

  /** Whether the run's classes are exactly the dataset's. */
  public boolean isIdentity() {
    for (int i = 0; i < map.length; i++) {
      if (map[i] != i) {
        return false;
      }
    }
    return labels.size() == map.length;
  }

  /** The manifest as the run sees it: its labels and per-class training counts. */
  public DatasetManifest apply(DatasetManifest m) {
    long[] counts = new long[labels.size()];
    for (int i = 0; i < map.length; i++) {
      if (map[i] >= 0) {
        counts[map[i]] += m.trainOriginalByClass()[i];
      }
    }
    return new DatasetManifest(labels, m.height(), m.width(), m.fingerprint(), counts, m.splitTotals());
  }

  /** {@code data} with dropped classes' images left out and labels mapped. */
  public TensorDataset apply(TensorDataset data) {
    List<byte[]> px = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      int y = map[data.label(i)];
      if (y >= 0) {
        px.add(data.pixels(i));
        ys.add(y);
      }
    }
    return new TensorDataset(px.toArray(new byte[0][]), ys.stream().mapToInt(Integer::intValue).toArray(),
        labels.size());
  }

  private static void requireDatasetClass(String key, String name, List<String> dataset, List<String> parent) {
    if (!dataset.contains(name)) {
      throw new FerConfig.ConfigError(key + ": '" + name + "' is not a class of the dataset " + dataset
          + (parent.contains(name) ? " (only of the parent model " + parent + ")"
              : parent.isEmpty() ? "" : " nor of the parent model " + parent));
    }
  }

  private static String quote(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
