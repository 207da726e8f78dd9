package org.ferspark.evaluation.metrics;

import java.util.List;
import java.util.Map;
import org.ferspark.model.train.HistoryRow;

/**
 * Everything the report shows about one model on one split.
 *
 * @param name short name of the model in tables (file name without .zip unless given)
 * @param source where the model came from (path of the model file)
 * @param metadata the model's metadata as JSON-friendly map (fer-model.json, or the peer convention)
 * @param plain scores without test-time augmentation
 * @param tta scores with test-time augmentation, or null when not requested
 * @param samples a few correct and misclassified faces per true class, from the plain predictions
 * @param history training history (empty for peer models or files without one)
 * @param failures the most confident misclassified faces per true class (the failure gallery)
 * @param temperature the temperature applied to the model's probabilities (1: uncalibrated)
 * @param uncalibrated scores of the probabilities before calibration (T = 1), or null when {@code temperature} is 1
 */
public record ModelEvaluation(String name, String source, Map<String, Object> metadata, Metrics plain, Metrics tta,
    List<Sample> samples, List<HistoryRow> history, List<Failure> failures, double temperature,
    Metrics uncalibrated) {

  public ModelEvaluation {
    samples = List.copyOf(samples);
    history = List.copyOf(history);
    failures = List.copyOf(failures);
  }

  /** A model without calibration (temperature 1) and without a failure gallery. */
  public ModelEvaluation(String name, String source, Map<String, Object> metadata, Metrics plain, Metrics tta,
      List<Sample> samples, List<HistoryRow> history) {
    this(name, source, metadata, plain, tta, samples, history, List.of(), 1, null);
  }

  /** A model without calibration (temperature 1), with a failure gallery. */
  public ModelEvaluation(String name, String source, Map<String, Object> metadata, Metrics plain, Metrics tta,
      List<Sample> samples, List<HistoryRow> history, List<Failure> failures) {
    this(name, source, metadata, plain, tta, samples, history, failures, 1, null);
  }

  /** A calibrated model without a failure gallery. */
  public ModelEvaluation(String name, String source, Map<String, Object> metadata, Metrics plain, Metrics tta,
      List<Sample> samples, List<HistoryRow> history, double temperature, Metrics uncalibrated) {
    this(name, source, metadata, plain, tta, samples, history, List.of(), temperature, uncalibrated);
  }
}
