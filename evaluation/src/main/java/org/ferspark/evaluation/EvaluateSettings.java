package org.ferspark.evaluation;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import org.ferspark.evaluation.predict.FaceViews;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.config.FerConfig;

/**
 * The evaluation job's settings ({@code fer.evaluate.*} in {@code evaluation/src/main/resources/reference.conf}, and
 * the shared {@code fer.min-confidence}), bound once from the resolved configuration; a bad value is a
 * {@link FerConfig.ConfigError} naming the key.
 *
 * @param defaultModel model file used when neither {@code --model} nor {@code --peer} is given
 * @param split the split scored
 * @param batch faces per forward pass
 * @param partitions Spark partitions to score in, 0 = default parallelism
 * @param samplesPerCell gallery faces per model, true class and correct/incorrect
 * @param tta test-time augmentation
 * @param ttaViews which views test-time augmentation averages
 * @param failuresPerClass most confident misclassified faces kept per model and true class (failure gallery)
 * @param minConfidence {@code fer.min-confidence}: the report gives coverage and accuracy of the faces at or above it,
 *     and predictions below it are labelled {@code uncertain}
 */
public record EvaluateSettings(String defaultModel, String split, int batch, int partitions, int samplesPerCell,
    boolean tta, FaceViews.Tta ttaViews, int failuresPerClass, double minConfidence) {
  public static final List<String> SPLITS = List.of("train", "validation", "test");

  /** Binds {@code fer.evaluate}. */
  public static EvaluateSettings from(Config config) {
    try {
      Config c = config.getConfig("fer.evaluate");
      EvaluateSettings s = new EvaluateSettings(c.getString("default-model"), c.getString("split"),
          c.getInt("batch"), c.getInt("partitions"), c.getInt("samples-per-cell"), c.getBoolean("tta"),
          FaceViews.Tta.byKey(c.getString("tta-views").trim()), c.getInt("failures-per-class"),
          MinConfidence.from(config));
      check(s.ttaViews != null, "fer.evaluate.tta-views must be six or ten-crop, got '" + c.getString("tta-views")
          + "'");
      check(s.batch >= 1 && s.batch <= 4096, "fer.evaluate.batch must be 1..4096, got " + s.batch);
      check(s.partitions >= 0, "fer.evaluate.partitions must be >= 0, got " + s.partitions);
      check(s.samplesPerCell >= 0 && s.samplesPerCell <= 100,
          "fer.evaluate.samples-per-cell must be 0..100, got " + s.samplesPerCell);
      check(s.failuresPerClass >= 0 && s.failuresPerClass <= 50,
          "fer.evaluate.failures-per-class must be 0..50, got " + s.failuresPerClass);
      check(SPLITS.contains(s.split), "fer.evaluate.split must be one of " + SPLITS + ", got '" + s.split + "'");
      return s;
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new FerConfig.ConfigError(message);
    }
  }
}
