package org.ferspark.evaluation.metrics;

import java.util.List;

/**
 * One evaluation run: one or more models on one split of one preprocessed dataset.
 *
 * @param dataset the preprocessed dataset's path
 * @param split the split scored (train, validation or test)
 * @param datasetFingerprint the dataset manifest's fingerprint
 * @param models one entry per model, in command-line order
 * @param pairTests McNemar tests between every pair of models (empty for one model)
 * @param seconds wall time of the evaluation
 */
public record EvaluationResult(String dataset, String split, String datasetFingerprint, List<ModelEvaluation> models,
    List<PairTest> pairTests, double seconds, String ttaViews) {

  /** What {@code tta.views} says by default: the six views. */
  public static final String SIX_VIEWS = "original, horizontal flip, 4 corner crops (side - 4) resized back";

  public EvaluationResult {
    models = List.copyOf(models);
    pairTests = List.copyOf(pairTests);
    ttaViews = ttaViews == null ? SIX_VIEWS : ttaViews;
  }

  /** A result whose test-time augmentation, if any, used the six views. */
  public EvaluationResult(String dataset, String split, String datasetFingerprint, List<ModelEvaluation> models,
      List<PairTest> pairTests, double seconds) {
    this(dataset, split, datasetFingerprint, models, pairTests, seconds, SIX_VIEWS);
  }
}
