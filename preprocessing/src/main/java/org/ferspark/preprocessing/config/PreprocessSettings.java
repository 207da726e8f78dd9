package org.ferspark.preprocessing.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ferspark.preprocessing.dataset.Splits;
import org.ferspark.preprocessing.image.AugmentParams;

/**
 * The validated settings of one preprocessing run, bound once from the configuration ({@code fer.*} keys)
 * plus the input and output paths. Every validation error names its key.
 */
public record PreprocessSettings(
    String input,
    String output,
    String format,
    boolean overwrite,
    int classes,
    int imageSize,
    long maxPixels,
    long maxFileBytes,
    int augmentCopies,
    long seed,
    Map<String, Double> splitRatios,
    AugmentParams augment,
    String affectNetImagesDir,
    String affectNetValidationCsvSplit,
    double affectNetValidationFraction,
    int partitions,
    String compression,
    int failFirstAttemptOfPartition,
    String configJson) implements Serializable {

  public static final List<String> FORMATS = List.of("auto", "folder", "affectnet", "fer2013-csv");

  /** Binds and validates; {@code config} is the fully merged configuration (see {@link FerConfig}). */
  public static PreprocessSettings from(Config config, String input, String output, boolean overwrite) {
    try {
      Config p = config.getConfig("fer.preprocess");
      String format = p.getString("format").toLowerCase(Locale.ROOT);
      check(FORMATS.contains(format), "fer.preprocess.format", "must be one of " + FORMATS + ", got '" + format + "'");
      int classes = config.getInt("fer.classes");
      check(classes == 7 || classes == 8, "fer.classes", "must be 7 or 8, got " + classes);
      int size = config.getInt("fer.image.size");
      check(size >= 8 && size <= 1024, "fer.image.size", "must be in 8..1024, got " + size);
      long maxPixels = config.getLong("fer.image.max-pixels");
      check(maxPixels > 0, "fer.image.max-pixels", "must be positive");
      long maxFileBytes = config.getBytes("fer.image.max-file-bytes");
      check(maxFileBytes > 0, "fer.image.max-file-bytes", "must be positive");
      int copies = p.getInt("augment-copies");
      check(copies >= 0 && copies <= 100, "fer.preprocess.augment-copies", "must be in 0..100, got " + copies);
      Map<String, Double> ratios = new LinkedHashMap<>();
      for (String split : Splits.ALL) {
        double r = p.getDouble("split-ratios." + split);
        check(r >= 0 && r <= 1, "fer.preprocess.split-ratios." + split, "must be in [0, 1], got " + r);
        ratios.put(split, r);
      }
      double sum = ratios.values().stream().mapToDouble(Double::doubleValue).sum();
      check(Math.abs(sum - 1.0) < 1e-6, "fer.preprocess.split-ratios", "must add up to 1, got " + sum);
      String valSplit = p.getString("affectnet.validation-csv-split");
      check(Splits.ALL.contains(valSplit), "fer.preprocess.affectnet.validation-csv-split",
          "must be one of " + Splits.ALL + ", got '" + valSplit + "'");
      double valFraction = p.getDouble("affectnet.validation-fraction-of-training");
      check(valFraction >= 0 && valFraction < 1, "fer.preprocess.affectnet.validation-fraction-of-training",
          "must be in [0, 1), got " + valFraction);
      int partitions = p.getInt("partitions");
      check(partitions >= 0, "fer.preprocess.partitions", "must be >= 0, got " + partitions);
      String compression = p.getString("compression").toLowerCase(Locale.ROOT);
      check(List.of("zstd", "snappy", "gzip", "lz4", "none", "uncompressed").contains(compression),
          "fer.preprocess.compression", "must be zstd, snappy, gzip, lz4 or none, got '" + compression + "'");
      check(input != null && !input.isBlank(), "--input", "is required");
      check(output != null && !output.isBlank(), "--output", "is required");
      String json = config.getConfig("fer").root().render(ConfigRenderOptions.concise());
      return new PreprocessSettings(input, output, format, overwrite, classes, size, maxPixels, maxFileBytes,
          copies, p.getLong("seed"), Map.copyOf(ratios), AugmentParams.fromConfig(config),
          p.getString("affectnet.images-dir"), valSplit, valFraction, partitions, compression,
          p.getInt("testing.fail-first-attempt-of-partition"), json);
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) {
      throw new FerConfig.ConfigError(key + " " + message);
    }
  }
}
