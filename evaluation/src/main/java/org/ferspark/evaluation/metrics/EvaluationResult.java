package org.ferspark.evaluation.metrics;

import java.util.List;
import org.ferspark.evaluation.images.InputSummary;

/**
 * One evaluation run: one or more models on one split of one preprocessed dataset, or on a folder of photos.
 *
 * @param dataset the preprocessed dataset's path, or the photo folder's
 * @param split the split scored (train, validation or test); {@value #IMAGES} for a photo folder
 * @param datasetFingerprint the dataset manifest's fingerprint (null for a photo folder)
 * @param models one entry per model, in command-line order
 * @param pairTests McNemar tests between every pair of models (empty for one model)
 * @param seconds wall time of the evaluation
 * @param ttaViews the views test-time augmentation averaged
 * @param inputs what became of each photo of a photo folder (statuses, detector results); null for tensors
 */
public record EvaluationResult(String dataset, String split, String datasetFingerprint, List<ModelEvaluation> models,
    List<PairTest> pairTests, double seconds, String ttaViews, InputSummary inputs) {

  /** The {@link #split} of a photo-folder evaluation. */
  public static final String IMAGES = "images";

  /** What {@code tta.views} says by default: the six views. */
  public static final String SIX_VIEWS = "original, horizontal flip, 4 corner crops (side - 4) resized back";

  public EvaluationResult {
    models = List.copyOf(models);
    pairTests = List.copyOf(pairTests);
    ttaViews = ttaViews == null ? SIX_VIEWS : ttaViews;
  }

  /** A result of preprocessed tensors. */
  public EvaluationResult(String dataset, String split, String datasetFingerprint, List<ModelEvaluation> models,
      List<PairTest> pairTests, double seconds, String ttaViews) {
    this(dataset, split, datasetFingerprint, models, pairTests, seconds, ttaViews, null);
  }

  /** A result whose test-time augmentation, if any, used the six views. */
  public EvaluationResult(String dataset, String split, String datasetFingerprint, List<ModelEvaluation> models,
      List<PairTest> pairTests, double seconds) {
    this(dataset, split, datasetFingerprint, models, pairTests, seconds, SIX_VIEWS);
  }
}
