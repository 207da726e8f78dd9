package org.ferspark.evaluation.metrics;

import java.io.Serializable;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Everything one scoring pass accumulates for several models on the same examples: per model the plain metrics,
 * the test-time-augmentation metrics (when asked), the metrics of its uncalibrated probabilities (for a model whose
 * temperature is not 1), a sample reservoir and the most confident mistakes per class; across models the McNemar
 * discordance counts of the plain predictions. What a Spark partition returns to the driver, merged with
 * {@link #merge}.
 */
public final class EvaluationAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  private MetricsAccumulator[] plain;
  private MetricsAccumulator[] tta;
  private MetricsAccumulator[] uncalibrated;
  private double minConfidence;
  private SampleReservoir[] samples;
  private FailureReservoir[] failures;
  private PairCounts pairs;
  private boolean[] correct;

  /**
   * @param models models scored together
   * @param classes classes of the dataset
   * @param withTta also accumulate test-time-augmented predictions
   * @param samplesPerCell faces kept per model, true class and correct/incorrect
   * @param side image side of the faces
   */
  public EvaluationAccumulator(int models, int classes, boolean withTta, int samplesPerCell, int side) {
    this(models, classes, withTta, samplesPerCell, 0, side, 0);
  }

  /** As above; {@code minConfidence} is the threshold whose coverage and accuracy are counted exactly (0: none). */
  public EvaluationAccumulator(int models, int classes, boolean withTta, int samplesPerCell, int side,
      double minConfidence) {
    this(models, classes, withTta, samplesPerCell, 0, side, minConfidence);
  }

  /**
   * As above, also keeping a failure gallery.
   *
   * @param failuresPerClass most confident misclassified faces kept per model and true class (0: none)
   * @param minConfidence the threshold whose coverage and accuracy are counted exactly (0: none)
   */
  public EvaluationAccumulator(int models, int classes, boolean withTta, int samplesPerCell, int failuresPerClass,
      int side, double minConfidence) {
    this.minConfidence = minConfidence;
    plain = new MetricsAccumulator[models];
    uncalibrated = new MetricsAccumulator[models];
    failures = new FailureReservoir[models];
    tta = withTta ? new MetricsAccumulator[models] : null;
    samples = new SampleReservoir[models];
    for (int m = 0; m < models; m++) {
      plain[m] = new MetricsAccumulator(classes, minConfidence);
      if (withTta) {
        tta[m] = new MetricsAccumulator(classes, minConfidence);
      }
      samples[m] = new SampleReservoir(classes, samplesPerCell, side);
      failures[m] = new FailureReservoir(classes, failuresPerClass, side);
    }
    pairs = new PairCounts(models);
  }

  /**
   * Counts one example for every model.
   *
   * @param plainProbs per model, probabilities in label order
   * @param ttaProbs per model, test-time-augmented probabilities, or null without TTA
   */
  public void add(String id, byte[] pixels, int trueLabel, float[][] plainProbs, float[][] ttaProbs) {
    add(id, null, null, pixels, trueLabel, plainProbs, ttaProbs);
  }

  /**
   * Counts one example for every model, with where it came from for the failure gallery.
   *
   * @param source the tensor's source or the photo's URI, or null
   * @param box the face box in the photo, or null
   */
  public void add(String id, String source, FaceBox box, byte[] pixels, int trueLabel, float[][] plainProbs,
      float[][] ttaProbs) {
    if (plainProbs.length != plain.length || (tta != null) != (ttaProbs != null)) {
      throw new IllegalArgumentException("expected " + plain.length + " models" + (tta != null ? " with TTA" : ""));
    }
    if (correct == null || correct.length != plain.length) {
      correct = new boolean[plain.length];
    }
    for (int m = 0; m < plain.length; m++) {
      int predicted = plain[m].add(trueLabel, plainProbs[m]);
      correct[m] = predicted == trueLabel;
      samples[m].offer(id, pixels, trueLabel, predicted, plainProbs[m][predicted]);
      failures[m].offer(id, source, box, pixels, trueLabel, predicted, plainProbs[m][predicted]);
      if (tta != null) {
        tta[m].add(trueLabel, ttaProbs[m]);
      }
    }
    pairs.add(correct);
  }

  /**
   * Counts one example's uncalibrated (T = 1) probabilities of model {@code model}, for a model whose temperature is
   * not 1; the report shows them as "before calibration".
   */
  public void addUncalibrated(int model, int trueLabel, float[] probabilities) {
    if (uncalibrated[model] == null) {
      uncalibrated[model] = new MetricsAccumulator(probabilities.length, minConfidence);
    }
    uncalibrated[model].add(trueLabel, probabilities);
  }

  /** Adds {@code other} into this one; returns this. */
  public EvaluationAccumulator merge(EvaluationAccumulator other) {
    if (other.plain.length != plain.length || (other.tta == null) != (tta == null)) {
      throw new IllegalArgumentException("cannot merge accumulators of different model sets");
    }
    for (int m = 0; m < plain.length; m++) {
      plain[m].merge(other.plain[m]);
      if (tta != null) {
        tta[m].merge(other.tta[m]);
      }
      samples[m].merge(other.samples[m]);
      failures[m].merge(other.failures[m]);
      if (other.uncalibrated[m] != null) {
        uncalibrated[m] = uncalibrated[m] == null ? other.uncalibrated[m]
            : uncalibrated[m].merge(other.uncalibrated[m]);
      }
    }
    pairs.merge(other.pairs);
    return this;
  }

  public int models() {
    return plain.length;
  }

  public MetricsAccumulator plain(int model) {
    return plain[model];
  }

  /** The TTA accumulator of a model, or null without TTA. */
  public MetricsAccumulator tta(int model) {
    return tta == null ? null : tta[model];
  }

  /** The uncalibrated accumulator of a model, or null when it was not counted (temperature 1). */
  public MetricsAccumulator uncalibrated(int model) {
    return uncalibrated[model];
  }

  public SampleReservoir samples(int model) {
    return samples[model];
  }

  /** The most confident misclassified faces of a model. */
  public FailureReservoir failures(int model) {
    return failures[model];
  }

  public PairCounts pairs() {
    return pairs;
  }
}
