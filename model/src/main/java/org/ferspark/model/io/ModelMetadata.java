package org.ferspark.model.io;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file says about its network besides the weights: stored as plain JSON
 * ({@value ModelFile#METADATA_ENTRY}) inside the model zip, so reading it never runs code.
 *
 * @param formatVersion layout of this record; readers refuse versions they do not know
 * @param classNames output classes in output order (e.g. {@code Emotion.labelNames(7)})
 * @param inputShape one input image, channels first: {@code [1, 48, 48]}
 * @param normalisation how raw uint8 pixels become network input: {@value #PIXELS_OVER_255}
 * @param architecture the {@code Architecture} name that built the network
 * @param trainingConfig the training settings, free-form (numbers come back as Integer/Long/Double from JSON)
 * @param datasetFingerprint the preprocessed dataset manifest's fingerprint
 * @param projectVersion the fer-spark version that wrote the file
 * @param createdAt ISO-8601 instant
 * @param calibration how the probabilities are calibrated, or null (files written before calibration existed, and
 *     models never calibrated): temperature 1, the network's softmax as it is
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"formatVersion", "classNames", "inputShape", "normalisation", "architecture", "trainingConfig",
    "datasetFingerprint", "projectVersion", "createdAt", "calibration"})
public record ModelMetadata(
    int formatVersion,
    List<String> classNames,
    List<Integer> inputShape,
    String normalisation,
    String architecture,
    Map<String, Object> trainingConfig,
    String datasetFingerprint,
    String projectVersion,
    String createdAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Calibration calibration) {

  /** The format this build writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** The project's one normalisation: uint8 pixel / 255 → [0, 1], no mean subtraction. */
  public static final String PIXELS_OVER_255 = "x / 255";
  /** One 48×48 grayscale image, channels first. */
  public static final List<Integer> INPUT_48 = List.of(1, 48, 48);

  /** Metadata without calibration (temperature 1). */
  public ModelMetadata(int formatVersion, List<String> classNames, List<Integer> inputShape, String normalisation,
      String architecture, Map<String, Object> trainingConfig, String datasetFingerprint, String projectVersion,
      String createdAt) {
    this(formatVersion, classNames, inputShape, normalisation, architecture, trainingConfig, datasetFingerprint,
        projectVersion, createdAt, null);
  }

  public ModelMetadata {
    classNames = classNames == null ? null : List.copyOf(classNames);
    inputShape = inputShape == null ? null : List.copyOf(inputShape);
    trainingConfig = trainingConfig == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(trainingConfig));
  }

  /** Metadata for a new model: current format, 48×48×1 input, x / 255, this build's version, now. */
  public static ModelMetadata of(List<String> classNames, String architecture, Map<String, Object> trainingConfig,
      String datasetFingerprint) {
    return new ModelMetadata(FORMAT_VERSION, classNames, INPUT_48, PIXELS_OVER_255, architecture, trainingConfig,
        datasetFingerprint, ProjectVersion.current(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  /** The number of output classes. */
  public int classes() {
    return classNames.size();
  }

  /** The temperature every classifying path divides the logits by: the calibration's, else 1. */
  public double temperature() {
    return calibration == null ? 1.0 : calibration.temperature();
  }

  /** A copy with different class names (for tests and relabelling tools). */
  public ModelMetadata withClassNames(List<String> names) {
    return new ModelMetadata(formatVersion, names, inputShape, normalisation, architecture, trainingConfig,
        datasetFingerprint, projectVersion, createdAt, calibration);
  }

  /** A copy with a different input shape. */
  public ModelMetadata withInputShape(List<Integer> shape) {
    return new ModelMetadata(formatVersion, classNames, shape, normalisation, architecture, trainingConfig,
        datasetFingerprint, projectVersion, createdAt, calibration);
  }

  /** A copy with a different format version. */
  public ModelMetadata withFormatVersion(int version) {
    return new ModelMetadata(version, classNames, inputShape, normalisation, architecture, trainingConfig,
        datasetFingerprint, projectVersion, createdAt, calibration);
  }

  /** A copy with {@code c} as its calibration (null: none, temperature 1). */
  public ModelMetadata withCalibration(Calibration c) {
    return new ModelMetadata(formatVersion, classNames, inputShape, normalisation, architecture, trainingConfig,
        datasetFingerprint, projectVersion, createdAt, c);
  }
}
