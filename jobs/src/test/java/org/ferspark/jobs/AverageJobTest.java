package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.Evaluator;
import org.ferspark.jobs.SampleDataset.Run;
import org.ferspark.model.train.TensorDataset;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code average.sh}: the averaged file holds the mean of its sources' weights, batch-norm statistics re-estimated
 * on the training faces and a temperature fitted on validation, names its sources by sha256, and classifies like
 * its sources when they agree; models that cannot be averaged are one error naming both files, exit code 1.
 */
class AverageJobTest {
  static final Path SHIPPED = SampleDataset.ROOT.resolve("models/fer2013-default.zip");
  @TempDir static Path shared;
  @TempDir Path tmp;
  static String data;

  @BeforeAll
  static void tensors() throws IOException {
    data = SampleDataset.preprocess(shared.resolve("sample"), "AverageJobTest");
  }

  static Run average(String... args) {
    return SampleDataset.run(new AverageJob(), args);
  }

  static Path vgg(Path file, long seed) throws IOException {
    ComputationGraph g = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7).withSeed(seed)
        .withWidth(0.25));
    ModelFile.save(g, ModelMetadata.of(Emotion.labelNames(7), "vgg-bn", Map.of("seed", seed), "test"), file, false);
    return file;
  }

  static double testAccuracy(Path model) throws IOException {
    LoadedModel m = ModelFile.load(model, false);
    DatasetManifest manifest = DatasetManifest.read(data, new Configuration());
    TensorDataset test = TensorDataset.read(data, "test", manifest, new Configuration());
    return Evaluator.evaluate(m.graph(), test, null, 64, 48).accuracy();
  }

  @Test
  void writesTheMeanWeightsWithFreshStatisticsATemperatureAndItsSources() throws IOException {
    Path a = vgg(tmp.resolve("a.zip"), 1);
    Path b = vgg(tmp.resolve("b.zip"), 2);
    Path out = tmp.resolve("avg.zip");

    Run r = average("--model", a.toString(), "--model", b.toString(), "--data", data, "--out", out.toString());

    assertThat(r.code()).as(r.err()).isZero();
    LoadedModel avg = ModelFile.load(out, false);
    ComputationGraph ga = ModelFile.load(a, false).graph();
    ComputationGraph gb = ModelFile.load(b, false).graph();
    for (String layer : List.of("s1_1_conv", "s3_2_conv", "output")) {
      assertThat(avg.graph().getLayer(layer).getParam("W").sub(
          ga.getLayer(layer).getParam("W").add(gb.getLayer(layer).getParam("W")).divi(2)).amaxNumber().doubleValue())
          .as(layer).isLessThan(1e-6);
    }
    BatchNormFolding.Stats fresh = BatchNormFolding.stats(avg.graph(), "s2_1_bn");
    assertThat(fresh.mean().sub(BatchNormFolding.stats(ga, "s2_1_bn").mean()).amaxNumber().doubleValue())
        .as("re-estimated, not the initial zeros").isGreaterThan(1e-3);
    Map<String, Object> cfg = avg.metadata().trainingConfig();
    List<?> sources = (List<?>) cfg.get(AverageJob.AVERAGE_OF);
    assertThat(sources).hasSize(2);
    assertThat(((Map<?, ?>) sources.get(1)).get("sha256")).isEqualTo(ModelFile.sha256(b));
    long trainFaces = DatasetManifest.read(data, new Configuration()).splitTotals().get("train");
    assertThat(((Map<?, ?>) cfg.get(AverageJob.BATCH_NORM)).get("faces")).isEqualTo((int) Math.min(8192,
        trainFaces));
    assertThat(avg.metadata().calibration()).isNotNull();
    assertThat(avg.metadata().calibration().split()).isEqualTo("validation");
    assertThat(avg.metadata().datasetFingerprint())
        .isEqualTo(DatasetManifest.read(data, new Configuration()).fingerprint());
  }

  @Test
  void theShippedModelAveragedWithItselfStillClassifiesLikeIt() throws IOException {
    Path out = tmp.resolve("self.zip");
    Run r = average("--model", SHIPPED.toString(), "--model", SHIPPED.toString(), "--data", data, "--out",
        out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    double shipped = testAccuracy(SHIPPED);
    double self = testAccuracy(out);
    System.out.printf("shipped model on data/sample test: %.3f; averaged with itself, statistics from data/sample "
        + "train: %.3f%n", shipped, self);
    assertThat(self).as("same weights, statistics from the sample's training faces").isGreaterThan(shipped - 0.08);
  }

  @Test
  void refusesModelsThatCannotBeAveragedWithOneErrorNamingThem() throws IOException {
    Path a = vgg(tmp.resolve("a.zip"), 1);
    Path tiny = tmp.resolve("tiny.zip");
    ModelFile.save(Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7)),
        ModelMetadata.of(Emotion.labelNames(7), "tiny-cnn", Map.of(), "test"), tiny, false);
    Path out = tmp.resolve("x.zip");

    Run other = average("--model", a.toString(), "--model", tiny.toString(), "--data", data, "--out",
        out.toString());
    assertThat(other.code()).isEqualTo(JobRunner.FAILED);
    assertThat(other.err()).contains("tiny.zip").contains("a.zip").contains("one architecture");

    Run one = average("--model", a.toString(), "--data", data, "--out", out.toString());
    assertThat(one.code()).isEqualTo(JobRunner.FAILED);
    assertThat(one.err()).contains("at least two");

    Run self = average("--model", a.toString(), "--model", a.toString(), "--data", data, "--out", a.toString(),
        "--overwrite");
    assertThat(self.code()).isEqualTo(JobRunner.FAILED);
    assertThat(self.err()).contains("is one of the --model files");
    assertThat(Files.exists(out)).isFalse();

    Files.writeString(out, "keep");
    Run exists = average("--model", a.toString(), "--model", a.toString(), "--data", data, "--out",
        out.toString());
    assertThat(exists.code()).isEqualTo(JobRunner.FAILED);
    assertThat(exists.err()).contains("exists");
    assertThat(Files.readString(out)).isEqualTo("keep");
  }
}
