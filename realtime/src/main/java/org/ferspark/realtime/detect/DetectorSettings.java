package org.ferspark.realtime.detect;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ferspark.preprocessing.config.FerConfig.ConfigError;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * The face detector every stage uses (realtime, predict {@code --detect-faces}, the video job, evaluate
 * {@code --images}), bound from {@code fer.realtime.detector.*} and validated with errors that name the key;
 * {@link #create()} makes it.
 *
 * <p>The settings travel in Spark task closures (the file paths are kept as absolute path strings). A detector whose
 * files exist only on the driver's disk (a custom cascade, a DNN model) is built on an executor from their bytes:
 * {@link #readFiles()} on the driver, {@link #create(FileBytes)} on the executor, which writes them to temporary
 * files for OpenCV (it reads detectors from files only) and deletes them once loaded. BlazeFace and the default
 * cascade come from the jars, which every JVM has.
 *
 * @param kind {@code blazeface} (the default, {@link BlazeFaceDetector}), {@code haar} ({@link HaarFaceDetector})
 *     or {@code dnn} ({@link DnnFaceDetector}, needs {@code dnnModel})
 * @param cascade Haar cascade XML, absolute path; null for the default frontal-face cascade
 * @param dnnModel DNN weights, absolute path; null unless {@code kind} is {@code dnn}
 * @param dnnConfig DNN description ({@code .prototxt}, {@code .pbtxt}), absolute path; null for none
 */
public record DetectorSettings(
    String kind,
    int minFace,
    String cascade,
    double scaleFactor,
    int minNeighbours,
    BlazeFaceDetector.Options blazeface,
    String dnnModel,
    String dnnConfig,
    int dnnInputSize,
    double dnnConfidence) implements Serializable {

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
      String dnnModel = optionalPath(c, P + "model", root);
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

  /** A new detector of this kind (one per thread: detectors are not thread-safe), reading its files in this JVM. */
  public FaceDetector create() {
    return build(path(cascade), path(dnnModel), path(dnnConfig));
  }

  /** These settings searching faces from {@code side} pixels up. */
  public DetectorSettings withMinFace(int side) {
    return new DetectorSettings(kind, side, cascade, scaleFactor, minNeighbours, blazeface, dnnModel, dnnConfig,
        dnnInputSize, dnnConfidence);
  }

  /**
   * The bytes of the files this detector reads (a custom cascade, the DNN model and description; none for BlazeFace
   * and the default cascade), read here, each within {@code HaarFaceDetector}'s file limit.
   *
   * @throws InputError naming a file that is missing, too large or unreadable
   */
  public FileBytes readFiles() {
    return switch (kind) {
      case "haar" -> new FileBytes(read(cascade, "cascade file"), null, null);
      case "dnn" -> new FileBytes(null, read(dnnModel, "detector model"), read(dnnConfig, "detector config"));
      default -> new FileBytes(null, null, null);
    };
  }

  /**
   * A new detector of this kind built from {@code files} ({@link #readFiles()} in the JVM that had them), e.g. on a
   * Spark executor; the temporary copies are deleted before this returns.
   */
  public FaceDetector create(FileBytes files) {
    Path c = null;
    Path m = null;
    Path d = null;
    try {
      c = temp(files.cascade(), cascade);
      m = temp(files.dnnModel(), dnnModel);
      d = temp(files.dnnConfig(), dnnConfig);
      return build(c != null ? c : path(cascade), m != null ? m : path(dnnModel), d != null ? d : path(dnnConfig));
    } finally {
      delete(c);
      delete(m);
      delete(d);
    }
  }

  /** For reports: the kind, and the file it reads, if any. */
  public String describe() {
    return switch (kind) {
      case "haar" -> "haar " + (cascade == null ? "(default frontal-face cascade)" : cascade);
      case "dnn" -> "dnn " + dnnModel;
      default -> "blazeface";
    };
  }

  /**
   * The files of a detector, as bytes, to build it in another JVM ({@link #create(FileBytes)}); null: none. A plain
   * class, not a record: it is broadcast, and Spark's Kryo 4 cannot write records.
   */
  public static final class FileBytes implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] cascade;
    private final byte[] dnnModel;
    private final byte[] dnnConfig;

    public FileBytes(byte[] cascade, byte[] dnnModel, byte[] dnnConfig) {
      this.cascade = cascade;
      this.dnnModel = dnnModel;
      this.dnnConfig = dnnConfig;
    }

    public byte[] cascade() {
      return cascade;
    }

    public byte[] dnnModel() {
      return dnnModel;
    }

    public byte[] dnnConfig() {
      return dnnConfig;
    }

    /** Whether there is no file at all (BlazeFace, the default cascade). */
    public boolean isEmpty() {
      return cascade == null && dnnModel == null && dnnConfig == null;
    }
  }

  private FaceDetector build(Path cascadeFile, Path model, Path config) {
    return switch (kind) {
      case "haar" -> new HaarFaceDetector(cascadeFile, scaleFactor, minNeighbours, minFace);
      case "dnn" -> new DnnFaceDetector(model, config, dnnInputSize, dnnConfidence, minFace);
      default -> new BlazeFaceDetector(blazeface, minFace);
    };
  }

  private static Path path(String p) {
    return p == null ? null : Path.of(p);
  }

  private static String optionalPath(Config c, String key, Path root) {
    String v = c.getString(key);
    return v.isBlank() ? null : root.resolve(v).toAbsolutePath().toString();
  }

  private static byte[] read(String location, String what) {
    if (location == null) {
      return null;
    }
    Path p = Path.of(location);
    if (!Files.isRegularFile(p)) {
      throw new InputError(what + " " + location + " does not exist");
    }
    HaarFaceDetector.checkSize(p, what);
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InputError("cannot read " + what + " " + location + ": " + e.getMessage());
    }
  }

  /** A temporary copy keeping the original's extension (OpenCV's DNN reader picks the format by it); null: none. */
  private static Path temp(byte[] bytes, String original) {
    if (bytes == null) {
      return null;
    }
    String name = original == null ? "" : Path.of(original).getFileName().toString();
    int dot = name.lastIndexOf('.');
    try {
      Path tmp = Files.createTempFile("fer-detector-", dot < 0 ? "" : name.substring(dot));
      Files.write(tmp, bytes);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary detector file: " + e.getMessage(), e);
    }
  }

  private static void delete(Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        tmp.toFile().deleteOnExit();
      }
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
}
