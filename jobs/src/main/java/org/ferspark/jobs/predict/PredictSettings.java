package org.ferspark.jobs.predict;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import org.ferspark.preprocessing.config.FerConfig.ConfigError;
import org.ferspark.realtime.app.RealtimeSettings;

/**
 * Predict's settings: the realtime app's ({@code fer.realtime.model}, {@code fer.realtime.detector.*},
 * {@code fer.realtime.crop-margin}), so a model and a detector behave alike in both, and the preprocessing limits on
 * image files ({@code fer.image.max-pixels}, {@code fer.image.max-file-bytes}).
 */
public record PredictSettings(RealtimeSettings realtime, long maxPixels, long maxFileBytes) {

  /** Binds and validates; relative paths are resolved against {@code root}. */
  public static PredictSettings from(Config c, Path root) {
    RealtimeSettings realtime = RealtimeSettings.from(c, root);
    try {
      return new PredictSettings(realtime, positive(c.getLong("fer.image.max-pixels"), "fer.image.max-pixels"),
          positive(c.getBytes("fer.image.max-file-bytes"), "fer.image.max-file-bytes"));
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  private static long positive(long v, String key) {
    if (v < 1) {
      throw new ConfigError(key + " must be positive, got " + v);
    }
    return v;
  }
}
