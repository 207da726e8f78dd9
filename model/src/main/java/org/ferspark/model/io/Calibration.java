package org.ferspark.model.io;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How a model's probabilities are calibrated: the {@code calibration} object of {@link ModelMetadata}. Temperature
 * scaling divides the network's logits by one scalar before the softmax, {@code p = softmax(z / T)}; for a network
 * that ends in a softmax the logits are its log-probabilities (equal up to a per-face constant, which the softmax
 * cancels). Every classifying path (evaluation's {@code Predictor}, realtime's and predict's {@code FaceClassifier})
 * applies it once, where the probabilities leave the network. A model file without this object has {@code T = 1}.
 *
 * @param method {@value #TEMPERATURE_SCALING}
 * @param temperature {@code T > 0}; above 1 softens over-confident probabilities, below 1 sharpens
 * @param split the split {@code T} was fitted on (normally {@code validation})
 * @param examples faces of that split the fit used
 * @param nllBefore mean negative log-likelihood on those faces at {@code T = 1}
 * @param nllAfter the same at the fitted {@code T}
 * @param eceBefore expected calibration error (15 equal-width bins of the top-1 probability) at {@code T = 1}
 * @param eceAfter the same at the fitted {@code T}
 * @param datasetFingerprint the preprocessed dataset's fingerprint ({@code manifest.json})
 * @param fittedAt ISO-8601 instant
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"method", "temperature", "split", "examples", "nllBefore", "nllAfter", "eceBefore", "eceAfter",
    "datasetFingerprint", "fittedAt"})
public record Calibration(String method, double temperature, String split, long examples, double nllBefore,
    double nllAfter, double eceBefore, double eceAfter, String datasetFingerprint, String fittedAt) {

  /** The one method this build writes and applies. */
  public static final String TEMPERATURE_SCALING = "temperature-scaling";
}
