package org.ferspark.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.metrics.MetricsAccumulator;
import org.ferspark.evaluation.metrics.MetricsJson;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.model.calibrate.TemperatureScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A calibrated model's report shows ECE and the reliability diagram before (T = 1) and after, and accuracy against
 * coverage with the run's --min-confidence; an uncalibrated one shows neither "before" nor its file.
 */
class CalibrationReportTest {
  static final List<String> THREE = List.of("happy", "sad", "neutral");
  static final double T = 2.0;
  @TempDir Path dir;

  /** Scores of over-confident probabilities (logits doubled) before and after dividing them by T. */
  static ModelEvaluation calibrated(double minConfidence) {
    SplittableRandom rng = new SplittableRandom(9);
    MetricsAccumulator before = new MetricsAccumulator(3, minConfidence);
    MetricsAccumulator after = new MetricsAccumulator(3, minConfidence);
    for (int i = 0; i < 600; i++) {
      double[] z = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
      double[] truth = TemperatureScaling.softmax(z, 1);
      int y = rng.nextDouble() < truth[0] ? 0 : rng.nextDouble() < truth[1] / (1 - truth[0]) ? 1 : 2;
      double[] sharp = TemperatureScaling.softmax(z, T);
      float[] p = {(float) sharp[0], (float) sharp[1], (float) sharp[2]};
      before.add(y, p);
      after.add(y, TemperatureScaling.apply(p, T));
    }
    Metrics a = after.toMetrics(THREE);
    return new ModelEvaluation("calibrated-model", "/m/c.zip", Map.of("kind", "fer-spark", "calibration",
        Map.of("temperature", T, "split", "validation", "examples", 600)), a, null, List.of(), List.of(), T,
        before.toMetrics(THREE));
  }

  @Test
  void aCalibratedModelShowsBeforeAndAfterAndTheCoverageAtItsThreshold() throws IOException {
    ModelEvaluation m = calibrated(0.6);
    EvaluationResult result = new EvaluationResult("file:/d", "test", "fp", List.of(m), List.of(), 1.0);
    String html = Files.readString(HtmlReport.write(result, dir));
    MetricsJson.writeMetrics(result, m, dir);
    String json = Files.readString(dir.resolve(MetricsJson.METRICS));

    assertThat(m.uncalibrated().ece()).as("the synthetic model is over-confident").isGreaterThan(m.plain().ece());
    assertThat(html).contains("before (T = 1)", "after (T = 2.000)", "T = 2.0000", "fitted on the validation split",
        Fmt.num(m.uncalibrated().ece(), 4), Fmt.num(m.plain().ece(), 4), "Accuracy vs coverage",
        "--min-confidence 0.600", "(this run)");
    var kept = m.plain().riskCoverage().atMinConfidence();
    assertThat(html).contains("coverage <b>" + Fmt.pct(kept.coverage()) + "</b>");
    assertThat(dir.resolve("reliability_uncalibrated.png")).isNotEmptyFile();
    assertThat(dir.resolve("risk_coverage.png")).isNotEmptyFile();
    assertThat(dir.resolve("reliability.png")).isNotEmptyFile();
    assertThat(json).contains("\"temperature\" : 2.0", "\"uncalibrated\" : {", "\"risk_coverage\" : {",
        "\"min_confidence\" : {", "\"threshold\" : 0.6");
  }

  @Test
  void anUncalibratedModelHasNoBeforeAndLosesAnOldBeforeFile() throws IOException {
    HtmlReport.write(new EvaluationResult("file:/d", "test", "fp", List.of(calibrated(0)), List.of(), 1.0), dir);
    ModelEvaluation c = calibrated(0);
    ModelEvaluation plain = new ModelEvaluation("plain", "/m/p.zip", Map.of("kind", "fer-spark"), c.uncalibrated(),
        null, List.of(), List.of());
    String html = Files.readString(HtmlReport.write(new EvaluationResult("file:/d", "test", "fp", List.of(plain),
        List.of(), 1.0), dir));

    assertThat(html).doesNotContain("before (T = 1)").contains("submit-scripts/calibrate.sh", "Accuracy vs coverage")
        .doesNotContain("(this run)");
    assertThat(dir.resolve("reliability_uncalibrated.png")).doesNotExist();
    assertThat(dir.resolve("risk_coverage.png")).exists();
  }
}
