package org.ferspark.evaluation.metrics;

import java.util.List;

/**
 * The scores of one model on one split: what {@code metrics.json} holds besides metadata.
 *
 * @param examples examples scored
 * @param accuracy top-1 accuracy
 * @param top2Accuracy true label among the two most probable
 * @param macroF1 mean F1 over classes with support
 * @param balancedAccuracy mean recall over classes with support
 * @param ece expected calibration error over {@link #calibration} (sum of |acc - conf| weighted by bin share)
 * @param meanLoss mean cross-entropy of the true label (natural log, probabilities clamped at 1e-12)
 * @param perClass one entry per class, in label order
 * @param calibration equal-width confidence bins (15 by default)
 * @param confusion counts, {@code confusion[true][predicted]}, label order
 * @param classNames label order
 * @param riskCoverage accuracy against coverage when faces below a confidence threshold are set aside; null when
 *     not counted
 */
public record Metrics(long examples, double accuracy, double top2Accuracy, double macroF1, double balancedAccuracy,
    double ece, double meanLoss, List<ClassMetrics> perClass, List<CalibrationBin> calibration, long[][] confusion,
    List<String> classNames, RiskCoverage riskCoverage) {

  /** Scores without a risk-coverage curve. */
  public Metrics(long examples, double accuracy, double top2Accuracy, double macroF1, double balancedAccuracy,
      double ece, double meanLoss, List<ClassMetrics> perClass, List<CalibrationBin> calibration, long[][] confusion,
      List<String> classNames) {
    this(examples, accuracy, top2Accuracy, macroF1, balancedAccuracy, ece, meanLoss, perClass, calibration,
        confusion, classNames, null);
  }

  public Metrics {
    perClass = List.copyOf(perClass);
    calibration = List.copyOf(calibration);
    classNames = List.copyOf(classNames);
  }
}
