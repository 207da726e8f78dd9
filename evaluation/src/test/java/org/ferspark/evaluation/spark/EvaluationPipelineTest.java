package org.ferspark.evaluation.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.MetricsAccumulator;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.PairTest;
import org.ferspark.evaluation.metrics.Sample;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.Tensors;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Spark evaluation on data/sample preprocessed by the real pipeline, with two untrained tiny-cnn models; one
 * local[2] session with Kryo (as conf/spark-defaults.conf) for the class.
 */
class EvaluationPipelineTest {
  static final List<String> LABELS = Emotion.labelNames(7);
  @TempDir static Path shared;
  static SparkSession spark;
  static String data;
  static Path modelA;
  static Path modelB;

  @BeforeAll
  static void sessionTensorsAndModels() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("EvaluationPipelineTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .getOrCreate();
    data = shared.resolve("sample").toString();
    String input = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample").toString();
    PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()), input, data,
        true));
    modelA = TinyModels.write(shared.resolve("a.zip"), LABELS, 1);
    modelB = TinyModels.write(shared.resolve("b.zip"), LABELS, 2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static EvaluateSettings settings(String... sets) {
    return EvaluateSettings.from(FerConfig.load(null, List.of(sets), Map.of()));
  }

  @Test
  void sparkCountsEqualASingleJvmPassOverTheSameRows() throws IOException {
    EvaluationPipeline.Inputs in = EvaluationPipeline.prepare(data, "test",
        List.of(ModelSpec.fer(modelA.toString()), ModelSpec.fer(modelB.toString())), new Configuration());
    EvaluationResult r = EvaluationPipeline.run(spark, in, settings("fer.evaluate.batch=16"), true);

    List<Row> rows = spark.read().parquet(data + "/tensors/split=test").select("id", "label", "pixels")
        .collectAsList();
    assertThat(rows).hasSize(70);
    long[][] confA = new long[7][7];
    long[][] confB = new long[7][7];
    long onlyA = 0;
    long onlyB = 0;
    ComputationGraph a = ModelFile.load(modelA, false).graph();
    ComputationGraph b = ModelFile.load(modelB, false).graph();
    for (Row row : rows) {
      int y = row.getInt(1);
      int pa = predict(a, (byte[]) row.get(2));
      int pb = predict(b, (byte[]) row.get(2));
      confA[y][pa]++;
      confB[y][pb]++;
      onlyA += pa == y && pb != y ? 1 : 0;
      onlyB += pb == y && pa != y ? 1 : 0;
    }

    assertThat(r.split()).isEqualTo("test");
    assertThat(r.datasetFingerprint()).hasSize(32);
    assertThat(r.models()).extracting(ModelEvaluation::name).containsExactly("a", "b");
    ModelEvaluation ea = r.models().get(0);
    assertThat(ea.plain().examples()).isEqualTo(70);
    assertThat(ea.plain().confusion()).isDeepEqualTo(confA);
    assertThat(r.models().get(1).plain().confusion()).isDeepEqualTo(confB);
    PairTest t = r.pairTests().get(0);
    assertThat(List.of(t.modelA(), t.modelB(), t.onlyA(), t.onlyB())).containsExactly("a", "b", onlyA, onlyB);
    assertThat(ea.tta()).as("TTA block").isNotNull();
    assertThat(ea.tta().examples()).isEqualTo(70);
    assertThat(ea.tta().accuracy()).isBetween(0.0, 1.0);
    assertThat(ea.history()).hasSize(1);
    assertThat(ea.history().get(0).valLoss()).isEqualTo(1.95);
    assertThat(ea.metadata()).containsEntry("architecture", "tiny-cnn").containsKey("sha256");
    assertThat(((Map<?, ?>) ea.metadata().get("trainingConfig")).keySet().toString()).contains("seed").doesNotContain("history");
    assertThat(ea.samples()).isNotEmpty().allSatisfy(s -> assertThat(s.pixels()).hasSize(48 * 48));
    for (int c = 0; c < 7; c++) {
      int cls = c;
      assertThat(ea.samples().stream().filter(s -> s.trueLabel() == cls && s.correct())).hasSizeLessThanOrEqualTo(4);
      assertThat(ea.samples().stream().filter(s -> s.trueLabel() == cls && !s.correct())).hasSizeLessThanOrEqualTo(4);
    }
    Sample s = ea.samples().get(0);
    Row source = rows.stream().filter(row -> row.getString(0).equals(s.id())).findFirst().orElseThrow();
    assertThat(s.pixels()).isEqualTo((byte[]) source.get(2));
    assertThat(s.trueLabel()).isEqualTo(source.getInt(1));
  }

  @Test
  void oneModelWithoutTtaHasNoTtaBlockAndNoPairTests() {
    EvaluationPipeline.Inputs in = EvaluationPipeline.prepare(data, "validation",
        List.of(ModelSpec.fer(modelA.toString())), new Configuration());
    EvaluationResult r = EvaluationPipeline.run(spark, in, settings("fer.evaluate.partitions=3"), false);

    assertThat(r.models()).hasSize(1);
    assertThat(r.models().get(0).tta()).isNull();
    assertThat(r.models().get(0).plain().examples()).isEqualTo(70);
    assertThat(r.pairTests()).isEmpty();
    assertThat(r.models().get(0).plain().accuracy()).isCloseTo(
        r.models().get(0).plain().perClass().stream().mapToLong(c -> Math.round(c.recall() * c.support())).sum()
            / 70.0, within(1e-12));
  }

  @Test
  void aMissingSplitOrManifestOrForeignClassesAreClearErrors() throws IOException {
    List<ModelSpec> a = List.of(ModelSpec.fer(modelA.toString()));
    assertThatThrownBy(() -> EvaluationPipeline.prepare(data, "holdout", a, new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("split 'holdout'").hasMessageContaining("missing")
        .hasMessageContaining("test=70");
    Path empty = Files.createDirectories(shared.resolve("empty"));
    assertThatThrownBy(() -> EvaluationPipeline.prepare(empty.toString(), "test", a, new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("no manifest.json");
    // a superset (contempt) is scored on the shared classes; a model sharing fewer than 2 classes is refused
    Path eight = TinyModels.write(shared.resolve("eight.zip"), Emotion.labelNames(8), 3);
    assertThat(EvaluationPipeline.prepare(data, "test", List.of(ModelSpec.fer(eight.toString())),
        new Configuration()).models()).hasSize(1);
    Path foreign = TinyModels.write(shared.resolve("foreign.zip"), List.of("contempt", "calm", "angry"), 3);
    assertThatThrownBy(() -> EvaluationPipeline.prepare(data, "test", List.of(ModelSpec.fer(foreign.toString())),
        new Configuration())).isInstanceOf(InputError.class).hasMessageStartingWith(foreign.toString())
        .hasMessageContaining("calm").hasMessageContaining("at least 2 classes");
  }

  private static int predict(ComputationGraph g, byte[] pixels) {
    float[] x = Tensors.toUnitFloats(pixels);
    float[] p = g.outputSingle(false, Nd4j.create(x, new long[] {1, 1, 48, 48}, 'c')).toFloatVector();
    return MetricsAccumulator.argmax(p);
  }
}
