package org.ferspark.evaluation.predict;

import java.util.List;
import org.ferspark.evaluation.metrics.EvaluationAccumulator;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Scores faces in batches with several models (and test-time augmentation if asked) and feeds every prediction
 * into one {@link EvaluationAccumulator}: the calibrated probabilities ({@link Predictor#predict}), and for a model
 * whose temperature is not 1 also its uncalibrated ones, from the same forward pass. When given a {@link Sink} it
 * hands each face's calibrated probabilities on (the per-face predictions file). Spark-free: a Spark partition and
 * a single-JVM loop use it alike.
 */
public final class BatchScorer {
  /** Receives every scored face, in the order added. */
  @FunctionalInterface
  public interface Sink {
    /**
     * @param box the face box in its photo, or null
     * @param probabilities per model, the plain calibrated probabilities in label order (arrays reused: copy to
     *     keep)
     */
    void scored(String id, String source, FaceBox box, int trueLabel, float[][] probabilities);
  }

  private final List<Predictor> predictors;
  private final boolean tta;
  private final FaceViews.Tta ttaMode;
  private final int side;
  private final int classes;
  private final EvaluationAccumulator accumulator;
  private final String[] ids;
  private final String[] sources;
  private final FaceBox[] boxes;
  private final byte[][] faces;
  private final int[] labels;
  private Sink sink;
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
    this(predictors, ttaMode, batch, side, classes, samplesPerCell, 0, 0);
  }

  /** @param minConfidence the {@code fer.min-confidence} threshold counted exactly in the risk-coverage results */
  public BatchScorer(List<Predictor> predictors, FaceViews.Tta ttaMode, int batch, int side, int classes,
      int samplesPerCell, double minConfidence) {
    this(predictors, ttaMode, batch, side, classes, samplesPerCell, 0, minConfidence);
  }

  /**
   * @param failuresPerClass most confident misclassified faces kept per model and true class
   * @param minConfidence the {@code fer.min-confidence} threshold counted exactly in the risk-coverage results
   */
  public BatchScorer(List<Predictor> predictors, FaceViews.Tta ttaMode, int batch, int side, int classes,
      int samplesPerCell, int failuresPerClass, double minConfidence) {
    boolean tta = ttaMode != null;
    this.ttaMode = ttaMode;
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive, got " + batch);
    }
    this.predictors = List.copyOf(predictors);
    this.tta = tta;
    this.side = side;
    this.classes = classes;
    this.accumulator = new EvaluationAccumulator(predictors.size(), classes, tta, samplesPerCell, failuresPerClass,
        side, minConfidence);
    this.ids = new String[batch];
    this.sources = new String[batch];
    this.boxes = new FaceBox[batch];
    this.faces = new byte[batch][];
    this.labels = new int[batch];
  }

  /** Hands every scored face to {@code sink} from now on; returns this. */
  public BatchScorer withSink(Sink sink) {
    this.sink = sink;
    return this;
  }

  /** Adds one face; a full batch is scored at once. */
  public void add(String id, int label, byte[] pixels) {
    add(id, null, null, label, pixels);
  }

  /**
   * Adds one face with where it came from ({@code source}: a file or tensor source; {@code box}: the face's box in
   * its photo, or null); a full batch is scored at once.
   */
  public void add(String id, String source, FaceBox box, int label, byte[] pixels) {
    if (pixels == null || pixels.length != side * side) {
      throw new InputError("tensor '" + id + "' has " + (pixels == null ? "no" : pixels.length) + " pixel bytes, "
          + "expected " + side + "x" + side);
    }
    if (label < 0 || label >= classes) {
      throw new InputError("tensor '" + id + "' has label " + label + " outside the manifest's " + classes
          + " classes");
    }
    ids[n] = id;
    sources[n] = source;
    boxes[n] = box;
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
      accumulator.add(ids[i], sources[i], boxes[i], faces[i], labels[i], p, a);
      for (int m = 0; m < models; m++) {
        if (uncalibrated[m] != null) {
          accumulator.addUncalibrated(m, labels[i], uncalibrated[m][i]);
        }
      }
      if (sink != null) {
        sink.scored(ids[i], sources[i], boxes[i], labels[i], p);
      }
      ids[i] = null;
      sources[i] = null;
      boxes[i] = null;
      faces[i] = null;
    }
    n = 0;
  }
}
