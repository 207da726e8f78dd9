package org.ferspark.evaluation.predict;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.ferspark.evaluation.predict.FaceViews.Interpolation;
import org.ferspark.evaluation.predict.InputConvention.Scale;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.train.HistoryRow;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.BoundedRead;
import org.ferspark.preprocessing.io.Limits;
import org.ferspark.preprocessing.image.Tensors;

/**
 * A model checked on the driver before any scoring: its file's bytes (read once through Hadoop, then broadcast),
 * the settled {@link ModelSpec}, a cache key, and what the report shows about it (metadata without the training
 * history, and the history).
 *
 * @param spec the model with its input convention settled
 * @param bytes the file's content
 * @param key {@link PredictorCache} key: format, SHA-256 of the bytes, convention
 * @param metadata JSON-friendly description (fer-model.json without {@code trainingConfig.history}, or the peer's
 *     convention), plus {@code file}, {@code sha256} and {@code bytes}
 * @param history training history from the metadata (empty for peers)
 */
public record PreparedModel(ModelSpec spec, byte[] bytes, String key, Map<String, Object> metadata,
    List<HistoryRow> history) {

  /** The training-config key under which {@code TrainingLoop} stores the history. */
  static final String HISTORY = "history";
  /** The metadata key of a fer-spark model's calibration (as in {@code fer-model.json}). */
  public static final String CALIBRATION = "calibration";

  /**
   * Reads and checks a model: the file exists and is a model of its kind, its classes are the dataset's, and the
   * network takes the convention's input. The loaded network stays in this JVM's {@link PredictorCache}.
   *
   * @throws InputError naming the file and the problem
   */
  public static PreparedModel prepare(ModelSpec spec, List<String> datasetLabels, Configuration hadoop) {
    byte[] bytes = read(spec.location(), hadoop);
    Map<String, Object> metadata = new LinkedHashMap<>();
    List<HistoryRow> history = List.of();
    ModelSpec settled;
    if (spec.kind() == ModelSpec.Kind.FER) {
      ModelMetadata m = readFerMetadata(spec.location(), bytes);
      settled = spec.withConvention(ferConvention(spec.location(), m));
      metadata.put("kind", "fer-spark");
      metadata.putAll(ferMetadata(m));
      history = history(m);
    } else {
      InputConvention c = spec.convention();
      if (c.outputLabels().isEmpty()) {
        c = new InputConvention(c.size(), c.scale(), c.channelsLast(), c.interpolation(), datasetLabels);
      }
      settled = spec.withConvention(c);
      metadata.put("kind", "keras");
      metadata.put("input_size", c.size());
      metadata.put("scale", c.scale().id());
      metadata.put("channels", c.channelsLast() ? "last" : "first");
      metadata.put("interpolation", c.interpolation().name().toLowerCase(java.util.Locale.ROOT));
      metadata.put("labels", c.outputLabels());
    }
    String sha = sha256(bytes);
    String key = settled.kind() + ":" + sha + ":" + settled.convention();
    Predictor p = PredictorCache.borrow(key, () -> Predictor.load(settled, bytes, datasetLabels));
    metadata.put("parameters", p.graph().numParams());
    PredictorCache.release(key, p);
    metadata.put("file", spec.location());
    metadata.put("sha256", sha);
    metadata.put("bytes", bytes.length);
    return new PreparedModel(settled, bytes, key, metadata, history);
  }

  /** A predictor for this thread from the JVM's cache (loaded from {@code bytes} the first time). */
  public Predictor borrow(List<String> datasetLabels) {
    return PredictorCache.borrow(key, () -> Predictor.load(spec, bytes, datasetLabels));
  }

  static InputConvention ferConvention(String location, ModelMetadata m) {
    List<Integer> shape = m.inputShape();
    if (shape.get(0) != 1 || !shape.get(1).equals(shape.get(2))) {
      throw new InputError(location + ": the model takes input " + shape + "; evaluation feeds one square "
          + "grayscale channel");
    }
    if (!Tensors.NORMALISATION.equals(m.normalisation())) {
      throw new InputError(location + ": the model expects normalisation '" + m.normalisation() + "'; the tensors "
          + "are read as '" + Tensors.NORMALISATION + "'");
    }
    return new InputConvention(shape.get(1), Scale.UNIT, false, Interpolation.AREA, m.classNames());
  }

  private static ModelMetadata readFerMetadata(String location, byte[] bytes) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("fer-evaluate-", ".zip");
      Files.write(tmp, bytes);
      return ModelFile.readMetadata(tmp);
    } catch (ModelFileException e) {
      throw new InputError(tmp == null ? e.getMessage() : e.getMessage().replace(tmp.toString(), location));
    } catch (IOException e) {
      throw new InputError("cannot stage " + location + " in a temporary file: " + e.getMessage());
    } finally {
      if (tmp != null) {
        tmp.toFile().delete();
      }
    }
  }

  private static Map<String, Object> ferMetadata(ModelMetadata m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("formatVersion", m.formatVersion());
    out.put("classNames", m.classNames());
    out.put("inputShape", m.inputShape());
    out.put("normalisation", m.normalisation());
    out.put("architecture", m.architecture());
    Map<String, Object> config = new LinkedHashMap<>(m.trainingConfig());
    config.remove(HISTORY);
    out.put("trainingConfig", config);
    out.put("datasetFingerprint", m.datasetFingerprint());
    out.put("projectVersion", m.projectVersion());
    out.put("createdAt", m.createdAt());
    if (m.calibration() != null) {
      Calibration c = m.calibration();
      Map<String, Object> cal = new LinkedHashMap<>();
      cal.put("method", c.method());
      cal.put("temperature", c.temperature());
      cal.put("split", c.split());
      cal.put("examples", c.examples());
      cal.put("nllBefore", c.nllBefore());
      cal.put("nllAfter", c.nllAfter());
      cal.put("eceBefore", c.eceBefore());
      cal.put("eceAfter", c.eceAfter());
      cal.put("datasetFingerprint", c.datasetFingerprint());
      cal.put("fittedAt", c.fittedAt());
      out.put(CALIBRATION, cal);
    }
    return out;
  }

  /** The temperature the model's probabilities are scored with: its file's calibration, else 1 (peers too). */
  public double temperature() {
    return metadata.get(CALIBRATION) instanceof Map<?, ?> c && c.get("temperature") instanceof Number t
        ? t.doubleValue() : 1;
  }

  static List<HistoryRow> history(ModelMetadata m) {
    List<HistoryRow> rows = new ArrayList<>();
    if (m.trainingConfig().get(HISTORY) instanceof List<?> list) {
      for (Object row : list) {
        if (row instanceof Map<?, ?> map) {
          try {
            rows.add(HistoryRow.fromMap(map));
          } catch (RuntimeException e) {
            return List.of();
          }
        }
      }
    }
    return rows;
  }

  private static byte[] read(String location, Configuration hadoop) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (fs.getFileStatus(path).isDirectory()) {
        throw new InputError(location + ": is a directory, not a model file");
      }
      long limit = Limits.current().modelFileBytes();
      BoundedRead.checkDeclared(fs.getFileStatus(path).getLen(), limit, "model file", "fer.limits.model.file-bytes");
      try (InputStream in = fs.open(path)) {
        return BoundedRead.readAtMost(in, limit, "model file", "fer.limits.model.file-bytes");
      }
    } catch (FileNotFoundException e) {
      throw new InputError(location + ": no such file");
    } catch (IOException e) {
      throw new InputError(location + ": cannot read: " + e.getMessage());
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
