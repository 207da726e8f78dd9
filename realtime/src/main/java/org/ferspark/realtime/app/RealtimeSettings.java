package org.ferspark.realtime.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.File;
import java.nio.file.Path;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.config.FerConfig.ConfigError;
import org.ferspark.realtime.detect.DetectorSettings;

/**
 * The realtime app's settings, bound once from {@code fer.realtime.*} and the shared {@code fer.min-confidence}
 * (reference.conf → --config → --set → flags) and validated with errors that name the key.
 */
public record RealtimeSettings(
    Path model,
    DetectorSettings detector,
    int detectEvery,
    double roiExpand,
    double roiMinScale,
    double roiMaxScale,
    double trackerMinIou,
    int trackerMaxMissed,
    double smoothing,
    double cropMargin,
    long maxFrames,
    boolean pipeline,
    int opencvThreads,
    int warmupPasses,
    boolean foldBatchNorm,
    int videoBitrate,
    double videoFrameRate,
    double minConfidence) {

  static final String P = "fer.realtime.";

  /** Binds and validates; relative paths are resolved against {@code root}. */
  public static RealtimeSettings from(Config c, Path root) {
    try {
      return new RealtimeSettings(
          root.resolve(c.getString(P + "model")),
          DetectorSettings.from(c, root),
          atLeast(c.getInt(P + "detect-every"), 1, "detect-every"),
          between(c.getDouble(P + "roi-expand"), 0, 4, "roi-expand"),
          between(c.getDouble(P + "roi-min-scale"), 0.1, 1, "roi-min-scale"),
          between(c.getDouble(P + "roi-max-scale"), 1, 10, "roi-max-scale"),
          between(c.getDouble(P + "tracker.min-iou"), 0.01, 1, "tracker.min-iou"),
          atLeast(c.getInt(P + "tracker.max-missed"), 0, "tracker.max-missed"),
          between(c.getDouble(P + "smoothing"), 0.01, 1, "smoothing"),
          between(c.getDouble(P + "crop-margin"), 0, 1, "crop-margin"),
          Math.max(0, c.getLong(P + "max-frames")),
          c.getBoolean(P + "pipeline"),
          atLeast(c.getInt(P + "opencv-threads"), 0, "opencv-threads"),
          atLeast(c.getInt(P + "warmup-passes"), 0, "warmup-passes"),
          c.getBoolean(P + "fold-batch-norm"),
          atLeast(c.getInt(P + "video.bitrate"), 10_000, "video.bitrate"),
          between(c.getDouble(P + "video.frame-rate"), 0, 1000, "video.frame-rate"),
          MinConfidence.from(c));
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  private static int atLeast(int v, int min, String key) {
    if (v < min) {
      throw new ConfigError(P + key + " must be at least " + min + ", got " + v);
    }
    return v;
  }

  private static double between(double v, double min, double max, String key) {
    if (!(v >= min && v <= max)) {
      throw new ConfigError(P + key + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** The directory relative settings are resolved against: {@code -Dfer.root} if set, else the working directory. */
  public static Path root() {
    String root = System.getProperty("fer.root");
    return new File(root != null && !root.isBlank() ? root : ".").toPath().toAbsolutePath().normalize();
  }
}
