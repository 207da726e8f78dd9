package org.ferspark.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.json, comparison.json and the confusion CSVs of the hand case, read back with plain Jackson. */
class MetricsJsonTest {
  @TempDir Path dir;

  static EvaluationResult result(boolean tta) {
    Metrics m = MetricsAccumulatorTest.handCase().toMetrics(List.of("a", "b", "c", "d"));
    ModelEvaluation one = new ModelEvaluation("m1", "/models/m1.zip", Map.of("architecture", "tiny-cnn"), m,
        tta ? m : null, List.of(), List.of());
    ModelEvaluation two = new ModelEvaluation("m2", "/models/m2.zip", Map.of(), m, null, List.of(), List.of());
    return new EvaluationResult("/data/pre", "test", "fp123", List.of(one, two),
        List.of(McNemar.test("m1", "m2", 10, 2)), 1.5);
  }

  @Test
  void metricsJsonHasTheScoresWithNaNAsNull() throws Exception {
    EvaluationResult r = result(true);
    Path file = MetricsJson.writeMetrics(r, r.models().get(0), dir);

    JsonNode j = new ObjectMapper().readTree(file.toFile());
    assertThat(j.path("model").path("name").asText()).isEqualTo("m1");
    assertThat(j.path("model").path("metadata").path("architecture").asText()).isEqualTo("tiny-cnn");
    assertThat(j.path("dataset").path("split").asText()).isEqualTo("test");
    assertThat(j.path("dataset").path("fingerprint").asText()).isEqualTo("fp123");
    assertThat(j.path("examples").asLong()).isEqualTo(6);
    assertThat(j.path("accuracy").asDouble()).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(j.path("top2_accuracy").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(j.path("macro_f1").asDouble()).isCloseTo(0.3, within(1e-12));
    assertThat(j.has("balanced_accuracy") && j.has("ece") && j.has("mean_loss")).isTrue();
    JsonNode d = j.path("per_class").path("d");
    assertThat(d.path("recall").isNull()).as("recall without support is null").isTrue();
    assertThat(d.path("precision").asDouble()).isZero();
    assertThat(d.path("predicted").asLong()).isEqualTo(1);
    assertThat(j.path("confusion_matrix").get(2).toString()).isEqualTo("[1,1,0,0]");
    assertThat(j.path("calibration")).hasSize(15);
    assertThat(j.path("calibration").get(0).path("accuracy").isNull()).isTrue();
    assertThat(j.path("tta").path("views").asText()).contains("flip");
    assertThat(j.path("tta").path("accuracy").asDouble()).isCloseTo(1 / 3.0, within(1e-12));

    MetricsJson.writeMetrics(r, r.models().get(1), dir);
    assertThat(new ObjectMapper().readTree(file.toFile()).path("tta").isNull()).isTrue();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("metrics.json");
    }
  }

  @Test
  void comparisonJsonHasOneRowPerModelAndTheTests() throws Exception {
    Path file = MetricsJson.writeComparison(result(false), dir);

    JsonNode j = new ObjectMapper().readTree(file.toFile());
    assertThat(j.path("models")).hasSize(2);
    assertThat(j.path("models").get(1).path("name").asText()).isEqualTo("m2");
    assertThat(j.path("models").get(0).path("per_class_recall").path("b").asDouble()).isEqualTo(0.5);
    assertThat(j.path("models").get(0).path("per_class_recall").path("d").isNull()).isTrue();
    JsonNode t = j.path("mcnemar").get(0);
    assertThat(t.path("only_a").asLong()).isEqualTo(10);
    assertThat(t.path("statistic").isNull()).isTrue();
    assertThat(t.path("p_value").asDouble()).isCloseTo(0.0386, within(1e-4));
    assertThat(t.path("method").asText()).isEqualTo("exact-binomial");
  }

  @Test
  void confusionCsvHasCountsAndRowNormalisedRates() throws Exception {
    ConfusionMatrixCsv.write(result(false).models().get(0).plain(), dir);

    assertThat(Files.readAllLines(dir.resolve(ConfusionMatrixCsv.COUNTS))).containsExactly(
        "true\\predicted,a,b,c,d", "a,1,1,0,0", "b,0,1,0,1", "c,1,1,0,0", "d,0,0,0,0");
    assertThat(Files.readAllLines(dir.resolve(ConfusionMatrixCsv.NORMALIZED))).containsExactly(
        "true\\predicted,a,b,c,d", "a,0.500000,0.500000,0.000000,0.000000", "b,0.000000,0.500000,0.000000,0.500000",
        "c,0.500000,0.500000,0.000000,0.000000", "d,,,,");
  }
}
