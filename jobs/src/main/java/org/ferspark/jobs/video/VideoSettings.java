package org.ferspark.jobs.video;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.nio.file.Path;
import org.ferspark.preprocessing.config.FerConfig.ConfigError;
import org.ferspark.realtime.app.RealtimeSettings;

/**
 * The video job's settings, bound once from {@code fer.video.*} (and {@code fer.realtime.*} for the per-frame
 * step) and validated with errors that name the key. Executors get {@link #configJson} (the resolved {@code fer}
 * tree as JSON) and rebind it with {@link #realtime(String, String)}: a settings record never travels.
 */
public record VideoSettings(
    String input,
    String output,
    boolean annotate,
    boolean overwrite,
    double fps,
    double rangeSeconds,
    int prerollFrames,
    int detectEvery,
    double joinMinIou,
    String model,
    int timelineBins,
    int timelineMaxTracks,
    int annotateBitrate,
    long maxPixels,
    RealtimeSettings realtime,
    String root,
    String configJson) {

  static final String P = "fer.video.";

  /** Binds and validates; relative realtime paths resolve against {@code root}. */
  public static VideoSettings from(Config c, String input, String output, boolean annotate, boolean overwrite,
      Path root) {
    try {
      Config bound = c.withValue("fer.realtime.detect-every", c.getValue(P + "detect-every"));
      RealtimeSettings realtime = RealtimeSettings.from(bound, root);
      String model = c.getString(P + "model");
      return new VideoSettings(input, output, annotate, overwrite,
          between(c.getDouble(P + "fps"), 0, 1000, "fps"),
          between(c.getDouble(P + "range-seconds"), 0.1, 86_400, "range-seconds"),
          (int) between(c.getInt(P + "preroll-frames"), 0, 10_000, "preroll-frames"),
          (int) between(c.getInt(P + "detect-every"), 1, 10_000, "detect-every"),
          between(c.getDouble(P + "join-min-iou"), 0.01, 1, "join-min-iou"),
          model.isBlank() ? realtime.model().toUri().toString() : model,
          (int) between(c.getInt(P + "timeline.bins"), 1, 100_000, "timeline.bins"),
          (int) between(c.getInt(P + "timeline.max-tracks"), 0, 100, "timeline.max-tracks"),
          (int) between(c.getInt(P + "annotate-bitrate"), 10_000, 100_000_000, "annotate-bitrate"),
          c.getLong("fer.image.max-pixels"),
          realtime,
          root.toString(),
          bound.getConfig("fer").root().render(ConfigRenderOptions.concise()));
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  /** The realtime settings an executor rebuilds from {@link #configJson} and {@link #root}. */
  public static RealtimeSettings realtime(String configJson, String root) {
    Config c = ConfigFactory.parseString(configJson).atKey("fer").withFallback(ConfigFactory.defaultReference())
        .resolve();
    return RealtimeSettings.from(c, Path.of(root));
  }

  private static double between(double v, double min, double max, String key) {
    if (!(v >= min && v <= max)) {
      throw new ConfigError(P + key + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }
}
