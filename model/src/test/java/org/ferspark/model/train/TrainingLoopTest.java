package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.model.calibrate.Calibrator;
import org.ferspark.model.calibrate.TemperatureScaling;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny real trainings on the data/sample tensors (280 train / 70 validation / 70 test images), tiny-cnn, batch 32. */
class TrainingLoopTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  static String data;
  static DatasetManifest manifest;
  static TensorDataset train;
  static TensorDataset validation;
  static TensorDataset test;

  @BeforeAll
  static void tensors() throws IOException {
    data = SampleTensors.write(shared.resolve("data")).toString();
    manifest = DatasetManifest.read(data, new Configuration());
    train = TensorDataset.read(data, "train", manifest, new Configuration());
    validation = TensorDataset.read(data, "validation", manifest, new Configuration());
    test = TensorDataset.read(data, "test", manifest, new Configuration());
  }

  static TrainSettings settings(int epochs, String... more) {
    List<String> sets = new java.util.ArrayList<>(List.of("fer.train.arch=tiny-cnn", "fer.train.batch=32",
        "fer.train.epochs=" + epochs, "fer.train.early-stopping.patience=0", "fer.train.train-eval-samples=70"));
    sets.addAll(List.of(more));
    return BalanceTest.settings(sets.toArray(String[]::new));
  }

  static TrainingLoop.Result train(TrainSettings s, Path out, boolean resume) throws IOException {
    return new TrainingLoop(s, manifest, validation, train, out).run(new LocalEpochTrainer(train, s), resume, false);
  }

  @Test
  void aFewEpochsLowerTheTrainingLossAndBeatChanceOnHeldOutImages() throws IOException {
    TrainingLoop.Result r = train(settings(12, "fer.train.batch=16"), tmp, false);

    assertThat(r.history()).hasSize(12);
    assertThat(r.history().get(11).trainLoss()).isLessThan(r.history().get(0).trainLoss());
    LoadedModel model = ModelFile.load(r.model(), false);
    Evaluator.Score held = Evaluator.evaluate(model.graph(), test, null, 32, 48);
    Evaluator.Score seen = Evaluator.evaluate(model.graph(), train, null, 32, 48);
    System.out.printf("tiny run: history %s; test accuracy %.3f on %d images; %.1f img/s%n", r.history(),
        held.accuracy(), held.images(), r.imagesPerSecond());
    System.out.printf("train accuracy %.3f%n", seen.accuracy());
    assertThat(held.accuracy()).as("chance is 1/7 = 0.143").isGreaterThan(0.2);
    assertThat(model.metadata().classNames()).isEqualTo(manifest.labels());
    assertThat(model.metadata().datasetFingerprint()).isEqualTo("test-sample");
    assertThat(model.metadata().trainingConfig()).containsEntry("arch", "tiny-cnn").containsKey("history");
    assertThat(Files.readAllLines(tmp.resolve("history.csv"))).hasSize(13).first().asString()
        .startsWith("epoch,lr,train_loss,train_acc,val_loss,val_acc");
    assertThat(Files.readString(tmp.resolve("history.json"))).contains("\"val_acc\"");
    assertThat(tmp.resolve("checkpoints/best.zip")).exists();
    assertThat(tmp.resolve("checkpoints/epoch-012.zip")).exists();
    assertThat(tmp.resolve("checkpoints/epoch-009.zip")).as("keep-last 3").doesNotExist();

    Calibration c = model.metadata().calibration();
    assertThat(c).as("fer.train.calibrate is on by default").isNotNull();
    assertThat(c.split()).isEqualTo("validation");
    assertThat(c.examples()).isEqualTo(validation.size());
    assertThat(c.nllAfter()).isLessThanOrEqualTo(c.nllBefore());
    float[][] p = Calibrator.probabilities(model.graph(), validation, 32, 48);
    double refit = TemperatureScaling.fit(TemperatureScaling.logits(p), validation.labels()).temperature();
    assertThat(c.temperature()).as("the fit on the validation split").isCloseTo(refit, within(1e-6 * refit));
    assertThat(ModelFile.readMetadata(tmp.resolve("checkpoints/best.zip")).calibration()).isNull();
  }

  @Test
  void resumeAfterACrashContinuesWithCounterHistoryAndUpdaterState() throws IOException {
    Path crashed = tmp.resolve("crashed");
    train(settings(2), crashed, false);
    Files.delete(crashed.resolve("model.zip"));

    TrainingLoop.Result resumed = train(settings(3), crashed, true);
    TrainingLoop.Result straight = train(settings(3), tmp.resolve("straight"), false);

    assertThat(resumed.resumedFrom()).isEqualTo(2);
    assertThat(resumed.epochsRun()).isEqualTo(1);
    assertThat(resumed.lastEpoch()).isEqualTo(3);
    assertThat(resumed.history()).extracting(HistoryRow::epoch).containsExactly(1, 2, 3);
    assertThat(Files.readAllLines(crashed.resolve("history.csv"))).hasSize(4);
    var a = ModelFile.load(crashed.resolve("checkpoints/epoch-003.zip"), true).graph();
    var b = ModelFile.load(tmp.resolve("straight/checkpoints/epoch-003.zip"), true).graph();
    double diff = a.params().sub(b.params()).amaxNumber().doubleValue();
    double updaterDiff = a.getUpdater().getStateViewArray().sub(b.getUpdater().getStateViewArray()).amaxNumber()
        .doubleValue();
    System.out.printf("resume vs straight: max |param diff| %.3g, max |updater state diff| %.3g%n", diff,
        updaterDiff);
    assertThat(diff).as("same seeds, same data order: resumed run equals uninterrupted run").isLessThan(1e-5);
    assertThat(updaterDiff).isLessThan(1e-5);
    assertThat(resumed.history().get(1).valLoss()).isEqualTo(straight.history().get(1).valLoss());
  }

  @Test
  void aResumedVggBnRunOnFastBatchNormAndItsFusedReluEqualsTheUninterruptedRunExactly() throws IOException {
    // two data-parallel replicas (dropout masks drawn in two threads), whatever this machine's cores
    String[] vgg = {"fer.train.arch=vgg-bn", "fer.train.train-eval-samples=0", "fer.train.calibrate=false",
        "fer.train.local-replicas=2"};
    Path crashed = tmp.resolve("vgg-crashed");
    train(settings(1, vgg), crashed, false);
    Files.delete(crashed.resolve("model.zip"));

    TrainingLoop.Result resumed = train(settings(2, vgg), crashed, true);
    train(settings(2, vgg), tmp.resolve("vgg-straight"), false);

    assertThat(resumed.resumedFrom()).isEqualTo(1);
    var a = ModelFile.load(crashed.resolve("checkpoints/epoch-002.zip"), true).graph();
    var b = ModelFile.load(tmp.resolve("vgg-straight/checkpoints/epoch-002.zip"), true).graph();
    assertThat(a.params().sub(b.params()).amaxNumber().doubleValue()).as("parameters and running statistics")
        .isZero();
    assertThat(a.getUpdater().getStateViewArray().sub(b.getUpdater().getStateViewArray()).amaxNumber()
        .doubleValue()).as("updater state").isZero();
  }

  @Test
  void resumeWithFewerEpochsFollowsTheNewCosineSchedule() throws IOException {
    Path run = tmp.resolve("shortened");
    String[] cosine = {"fer.train.optimizer=sgd-nesterov", "fer.train.learning-rate=0.04",
        "fer.train.lr-schedule=cosine"};
    train(settings(1, cosine), run, false);
    Files.delete(run.resolve("model.zip"));

    TrainingLoop.Result resumed = train(settings(2, cosine), run, true);

    var net = ModelFile.load(run.resolve("checkpoints/epoch-002.zip"), true).graph();
    String layer = net.getLayers()[0].getConfig().getLayerName();
    double expected = 0.04 * (1 + Math.cos(Math.PI * 1 / 2)) / 2;
    assertThat(resumed.history().get(1).learningRate()).isCloseTo(expected, within(1e-9));
    net.getConfiguration().setEpochCount(1);
    assertThat(net.getLearningRate(layer)).as("the checkpoint's schedule is the 2-epoch one, not the 1-epoch one")
        .isCloseTo(expected, within(1e-6));
  }

  @Test
  void theTrainingLossInTheHistoryLeavesOutTheWeightDecayTerm() throws IOException {
    TrainingLoop.Result r = train(settings(1, "fer.train.weight-decay=0.5", "fer.train.calibrate=false"),
        tmp.resolve("decay"), false);
    assertThat(ModelFile.readMetadata(r.model()).calibration()).as("fer.train.calibrate = false").isNull();

    var net = ModelFile.load(r.model(), false).graph();
    assertThat(net.calcRegularizationScore(true)).as("the decay term DL4J adds to its score").isGreaterThan(2);
    assertThat(r.history().get(0).trainLoss()).as("data loss only: near ln 7 = 1.95 after one epoch")
        .isBetween(0.5, 3.0);
  }

  @Test
  void refusesAnOutputWithAModelUnlessResumeOrOverwrite() throws IOException {
    Files.createDirectories(tmp.resolve("checkpoints"));
    Files.writeString(tmp.resolve("model.zip"), "x");
    assertThatThrownBy(() -> train(settings(1), tmp, false)).isInstanceOf(InputError.class)
        .hasMessageContaining("--resume").hasMessageContaining("--overwrite");
    assertThat(Files.readString(tmp.resolve("model.zip"))).isEqualTo("x");
  }
}
