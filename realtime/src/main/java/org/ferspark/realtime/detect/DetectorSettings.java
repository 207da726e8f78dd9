package org.ferspark.realtime.detect;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.ferspark.preprocessing.config.FerConfig.ConfigError;

/**
 * The face detector every stage uses (realtime, predict {@code --detect-faces}, the video job), bound from
 * {@code fer.realtime.detector.*} and validated with errors that name the key; {@link #create()} makes it.
 *
 * @param kind {@code blazeface} (the default, {@link BlazeFaceDetector}), {@code haar} ({@link HaarFaceDetector})
 *     or {@code dnn} ({@link DnnFaceDetector}, needs {@code dnnModel})
 */
public record DetectorSettings(
    String kind,
    int minFace,
    Path cascade,
    double scaleFactor,
    int minNeighbours,
    BlazeFaceDetector.Options blazeface,
    Path dnnModel,
    Path dnnConfig,
    int dnnInputSize,
    double dnnConfidence) {

  /** The detector kinds, for messages and options. */
  public static final List<String> KINDS = List.of("blazeface", "haar", "dnn");
  static final String P = "fer.realtime.detector.";

  /** Binds {@code fer.realtime.detector.*}; relative paths are resolved against {@code root}. */
  public static DetectorSettings from(Config c, Path root) {
    try {
      String kind = c.getString(P + "kind");
      if (!KINDS.contains(kind)) {
        throw new ConfigError(P + "kind must be one of " + String.join(", ", KINDS) + ", got '" + kind + "'");
      }
      Path dnnModel = optionalPath(c, P + "model", root);
      if (kind.equals("dnn") && dnnModel == null) {
        throw new ConfigError(P + "kind = dnn needs " + P + "model (flag --detector-model)");
      }
      BlazeFaceDetector.Options blaze = new BlazeFaceDetector.Options(
          between(c.getDouble(P + "blazeface.min-score"), 0, 1, "blazeface.min-score"),
          between(c.getDouble(P + "blazeface.nms-iou"), 0.01, 1, "blazeface.nms-iou"),
          between(c.getDouble(P + "blazeface.box-scale"), 0.5, 3, "blazeface.box-scale"),
          between(c.getDouble(P + "blazeface.box-shift"), -0.5, 0.5, "blazeface.box-shift"),
          atLeast(c.getInt(P + "blazeface.max-tiles"), 1, "blazeface.max-tiles"));
      double scaleFactor = c.getDouble(P + "scale-factor");
      if (scaleFactor <= 1.0) {
        throw new ConfigError(P + "scale-factor must be > 1, got " + scaleFactor);
      }
      return new DetectorSettings(kind,
          atLeast(c.getInt(P + "min-face"), 8, "min-face"),
          optionalPath(c, P + "cascade", root),
          scaleFactor,
          atLeast(c.getInt(P + "min-neighbours"), 0, "min-neighbours"),
          blaze,
          dnnModel,
          optionalPath(c, P + "config", root),
          atLeast(c.getInt(P + "input-size"), 16, "input-size"),
          between(c.getDouble(P + "confidence"), 0, 1, "confidence"));
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  /** A new detector of this kind (one per thread: detectors are not thread-safe). */
  public FaceDetector create() {
    return switch (kind) {
      case "haar" -> new HaarFaceDetector(cascade, scaleFactor, minNeighbours, minFace);
      case "dnn" -> new DnnFaceDetector(dnnModel, dnnConfig, dnnInputSize, dnnConfidence, minFace);
      default -> new BlazeFaceDetector(blazeface, minFace);
    };
  }

  private static Path optionalPath(Config c, String key, Path root) {
    String v = c.getString(key);
    return v.isBlank() ? null : root.resolve(v);
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
}
