package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.spark.EvaluationPipeline;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's "done when": the evaluation job reproduces the model card's test accuracy from the shipped file. Runs
 * the real pipeline on all of FER2013 ({@code ../shared/data/fer2013}) and scores PrivateTest with and without TTA.
 */
@Tag("fer2013")
@Tag("slow") // preprocessing 35,887 images + 3,589 × 7 forward passes: minutes on 2 cores
class ShippedModelReproductionTest {
  @TempDir Path tmp;

  @Test
  void theEvaluationJobReproducesTheCardsTestAccuracyFromTheShippedFile() throws Exception {
    Path fer = ShippedModelTest.ROOT.resolve("../shared/data/fer2013").normalize();
    assumeThat(Files.isDirectory(fer.resolve("test"))).as("FER2013 at %s", fer).isTrue();
    JsonNode card = new ObjectMapper().readTree(ShippedModelTest.REPORT.resolve("metrics.json").toFile());
    SparkSession spark = SparkSession.builder().master("local[2]").appName("ShippedModelReproductionTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    try {
      String data = tmp.resolve("fer2013").toString();
      PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()),
          fer.toString(), data, true));
      EvaluateSettings settings = EvaluateSettings.from(FerConfig.load(null, List.of(), Map.of()));
      EvaluationResult r = EvaluationPipeline.run(spark, EvaluationPipeline.prepare(data, "test",
          List.of(ModelSpec.fer(ShippedModelTest.MODEL.toString())), new Configuration()), settings, true);
      Metrics plain = r.models().get(0).plain();
      Metrics tta = r.models().get(0).tta();
      System.out.printf("shipped model on FER2013 test: accuracy %.4f (card %.4f), TTA %.4f (card %.4f)%n",
          plain.accuracy(), card.path("accuracy").asDouble(), tta.accuracy(),
          card.path("tta").path("accuracy").asDouble());
      assertThat(plain.examples()).isEqualTo(3_589);
      assertThat(plain.accuracy()).isCloseTo(card.path("accuracy").asDouble(), within(1e-6));
      assertThat(plain.macroF1()).isCloseTo(card.path("macro_f1").asDouble(), within(1e-6));
      assertThat(tta.accuracy()).isCloseTo(card.path("tta").path("accuracy").asDouble(), within(1e-6));
    } finally {
      spark.stop();
    }
  }
}
