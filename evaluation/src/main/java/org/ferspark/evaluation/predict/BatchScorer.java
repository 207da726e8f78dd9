package org.ferspark.evaluation.predict;

import java.util.List;
import org.ferspark.evaluation.metrics.EvaluationAccumulator;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * Scores faces in batches with several models (and test-time augmentation if asked) and feeds every prediction
 * into one {@link EvaluationAccumulator}: the calibrated probabilities ({@link Predictor#predict}), and for a model
 * whose temperature is not 1 also its uncalibrated ones, from the same forward pass. Spark-free: a Spark partition
 * and a single-JVM loop use it alike.
 */
public final class BatchScorer {
  private final List<Predictor> predictors;
  private final boolean tta;
  private final FaceViews.Tta ttaMode;
  private final int side;
  private final int classes;
  private final EvaluationAccumulator accumulator;
  private final String[] ids;
  private final byte[][] faces;
  private final int[] labels;
  private int n;

  /**
   * @param predictors one per model, in model order
   * @param batch faces per forward pass
   * @param side stored face side (48)
   * @param classes dataset classes
   * @param samplesPerCell faces kept per model, true class and correct/incorrect
   */
  public BatchScorer(List<Predictor> predictors, boolean tta, int batch, int side, int classes, int samplesPerCell) {
    this(predictors, tta ? FaceViews.Tta.SIX : null, batch, side, classes, samplesPerCell);
  }

  /** @param ttaMode the test-time-augmentation views, or null for none */
  public BatchScorer(List<Predictor> predictors, FaceViews.Tta ttaMode, int batch, int side, int classes,
      int samplesPerCell) {
    this(predictors, ttaMode, batch, side, classes, samplesPerCell, 0);
  }

  /** @param minConfidence the {@code fer.min-confidence} threshold counted exactly in the risk-coverage results */
  public BatchScorer(List<Predictor> predictors, FaceViews.Tta ttaMode, int batch, int side, int classes,
      int samplesPerCell, double minConfidence) {
    boolean tta = ttaMode != null;
    this.ttaMode = ttaMode;
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive, got " + batch);
    }
    this.predictors = List.copyOf(predictors);
    this.tta = tta;
    this.side = side;
    this.classes = classes;
    this.accumulator = new EvaluationAccumulator(predictors.size(), classes, tta, samplesPerCell, side,
        minConfidence);
    this.ids = new String[batch];
    this.faces = new byte[batch][];
    this.labels = new int[batch];
  }

  /** Adds one face; a full batch is scored at once. */
  public void add(String id, int label, byte[] pixels) {
    if (pixels == null || pixels.length != side * side) {
      throw new InputError("tensor '" + id + "' has " + (pixels == null ? "no" : pixels.length) + " pixel bytes, "
          + "expected " + side + "x" + side);
    }
    if (label < 0 || label >= classes) {
      throw new InputError("tensor '" + id + "' has label " + label + " outside the manifest's " + classes
          + " classes");
    }
    ids[n] = id;
    faces[n] = pixels;
    labels[n] = label;
    if (++n == faces.length) {
      flush();
    }
  }

  /** Scores what is left and returns the accumulated results. */
  public EvaluationAccumulator finish() {
    flush();
    return accumulator;
  }

  private void flush() {
    if (n == 0) {
      return;
    }
    int models = predictors.size();
    float[][][] plain = new float[models][][];
    float[][][] augmented = tta ? new float[models][][] : null;
    float[][][] uncalibrated = new float[models][][];
    for (int m = 0; m < models; m++) {
      float[][][] both = predictors.get(m).predictBoth(faces, n, side);
      plain[m] = both[0];
      uncalibrated[m] = both[1] == both[0] ? null : both[1];
      if (tta) {
        augmented[m] = predictors.get(m).predictTta(faces, n, side, plain[m], ttaMode);
      }
    }
    float[][] p = new float[models][];
    float[][] a = tta ? new float[models][] : null;
    for (int i = 0; i < n; i++) {
      for (int m = 0; m < models; m++) {
        p[m] = plain[m][i];
        if (tta) {
          a[m] = augmented[m][i];
        }
      }
      accumulator.add(ids[i], faces[i], labels[i], p, a);
      for (int m = 0; m < models; m++) {
        if (uncalibrated[m] != null) {
          accumulator.addUncalibrated(m, labels[i], uncalibrated[m][i]);
        }
      }
      ids[i] = null;
      faces[i] = null;
    }
    n = 0;
  }
}
