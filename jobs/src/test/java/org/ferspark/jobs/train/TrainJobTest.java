package org.ferspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.apache.spark.sql.SparkSession;
import org.ferspark.jobs.JobRunner;
import org.ferspark.jobs.TrainJob;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.NetworkFactory;
import org.ferspark.model.train.TrainSettings;
import org.ferspark.model.train.TrainStats;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.io.OutputClaim;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training job on data/sample preprocessed by the real pipeline; one local[2] session for the class. */
class TrainJobTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  static SparkSession spark;
  static String data;

  @BeforeAll
  static void sessionAndTensors() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("TrainJobTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
        .getOrCreate();
    data = shared.resolve("sample").toString();
    String input = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample").toString();
    PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()), input, data,
        true));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static TrainSettings settings(String... more) {
    List<String> sets = new java.util.ArrayList<>(List.of("fer.train.arch=tiny-cnn", "fer.train.batch=16",
        "fer.train.epochs=1", "fer.train.train-eval-samples=64"));
    sets.addAll(List.of(more));
    return TrainSettings.from(FerConfig.load(null, sets, Map.of()));
  }

  @Test
  void sparkParameterAveragingTrainsAnEpochIntoALoadableModel() throws IOException {
    TrainJob.Report report = TrainJob.run(spark, settings(), data, tmp, false, false);

    assertThat(report.mode()).isEqualTo("spark-parameter-averaging");
    var row = report.result().history().get(0);
    System.out.printf("spark local[2] epoch: %s%n", row);
    assertThat(row.trainLoss()).isFinite().isPositive();
    assertThat(row.valLoss()).isFinite();
    assertThat(row.images()).isEqualTo(280);
    var model = ModelFile.load(tmp.resolve("model.zip"), false);
    assertThat(model.metadata().classNames()).hasSize(7);
    assertThat(model.metadata().datasetFingerprint()).hasSize(32);
    assertThat(tmp.resolve("history.csv")).exists();
    assertThat(model.metadata().calibration()).as("fitted on the validation split at the end").isNotNull();
    assertThat(model.metadata().calibration().examples()).isEqualTo(70);
  }

  @Test
  void sparkTrainsTheConfiguredLabelSetDroppingAndMergingClasses() throws IOException {
    List<String> sets = List.of("fer.train.arch=tiny-cnn", "fer.train.batch=16", "fer.train.epochs=1",
        "fer.train.train-eval-samples=64", "fer.train.labels.drop=[neutral]", "fer.train.labels.merge.disgust=angry");
    var config = FerConfig.load(null, sets, Map.of());
    TrainJob.Report report = TrainJob.run(spark, TrainSettings.from(config), data, tmp, false, false,
        new TrainJob.Start(config, null, null));

    assertThat(report.result().history().get(0).images()).as("280 train images less neutral's 40").isEqualTo(240);
    assertThat(ModelFile.load(tmp.resolve("model.zip"), false).metadata().classNames())
        .containsExactly("angry", "fear", "happy", "sad", "surprise");
  }

  @Test
  void sparkFineTuneKeepsFrozenLayersAndNamesTheParent() throws IOException {
    var parentNet = org.ferspark.model.net.Architectures.build("tiny-cnn",
        org.ferspark.model.net.ArchitectureOptions.defaults(7).withSeed(5));
    Path parent = tmp.resolve("parent.zip");
    ModelFile.save(parentNet, org.ferspark.model.io.ModelMetadata.of(
        org.ferspark.preprocessing.dataset.Emotion.labelNames(7), "tiny-cnn", Map.of(), "none"), parent, false);
    List<String> sets = List.of("fer.train.arch=tiny-cnn", "fer.train.batch=16", "fer.train.epochs=1",
        "fer.train.train-eval-samples=64");
    var config = FerConfig.load(null, sets, Map.of());
    Path out = tmp.resolve("tuned");
    TrainJob.run(spark, TrainSettings.from(config), data, out, false, false,
        new TrainJob.Start(config, parent, "pool1"));

    var tuned = ModelFile.load(out.resolve("model.zip"), false);
    assertThat(((Map<?, ?>) tuned.metadata().trainingConfig().get("parent")).get("sha256"))
        .isEqualTo(ModelFile.sha256(parent));
    assertThat(tuned.graph().getLayer("conv1").getParam("W")).as("frozen through parameter averaging")
        .isEqualTo(parentNet.getLayer("conv1").getParam("W"));
    assertThat(tuned.graph().getLayer("dense").getParam("W")).isNotEqualTo(parentNet.getLayer("dense").getParam("W"));
  }

  @Test
  void progressCountsTheMinibatchesTrainedInsideAnEpoch() throws Exception {
    TrainSettings s = settings("fer.train.spark.averaging-frequency=2");
    DatasetManifest manifest = DatasetManifest.read(data, new org.apache.hadoop.conf.Configuration());
    try (SparkEpochTrainer trainer = new SparkEpochTrainer(spark, data, s, manifest.classes(),
        manifest.trainOriginalByClass())) {
      var net = NetworkFactory.build(s, manifest.labels(), manifest.trainOriginalByClass());
      trainer.fitEpoch(net, 1);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      // 280 images in minibatches of 16 per partition: 18 or a few more; 2 workers x averaging every 2 = 4 a split
      int[] splits = trainer.progress().splits();
      assertThat(splits[1]).as("splits of the epoch").isBetween(4, 5);
      assertThat(splits[0]).as("splits fitted").isEqualTo(splits[1]);
      assertThat(trainer.progress().line(System.nanoTime())).startsWith("fer-train: epoch 1: split " + splits[1]
          + " of " + splits[1] + ", ~280 of 280 images (100.0 %)");
    }
    assertThat(TrainingProgress.clock(3725)).isEqualTo("1:02:05");
    assertThat(SparkEpochTrainer.epochImages(new long[] {10, 20}, new double[] {2.5, 1})).isEqualTo(45);
  }

  @Test
  void anEpochShufflesNothingAndDropsItsMinibatchesWhenItEnds() throws Exception {
    // issue 12: the rows are cached in one partition per worker, so DL4J's per-round repartition (two counting jobs
    // and a shuffle of every round's minibatches) is skipped, and the epoch's persisted minibatches are dropped
    TrainSettings s = settings("fer.train.spark.averaging-frequency=2");
    DatasetManifest manifest = DatasetManifest.read(data, new org.apache.hadoop.conf.Configuration());
    Map<Integer, long[]> stages = new java.util.concurrent.ConcurrentHashMap<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted e) {
        var m = e.stageInfo().taskMetrics();
        stages.put(e.stageInfo().stageId(), new long[] {m.shuffleWriteMetrics().bytesWritten(),
            e.stageInfo().numTasks(), e.stageInfo().name().contains("treeAggregate") ? 1 : 0});
      }
    };
    try (SparkEpochTrainer trainer = new SparkEpochTrainer(spark, data, s, manifest.classes(),
        manifest.trainOriginalByClass())) {
      var net = NetworkFactory.build(s, manifest.labels(), manifest.trainOriginalByClass());
      trainer.fitEpoch(net, 1);
      int persisted = spark.sparkContext().getPersistentRDDs().size();
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().addSparkListener(listener);
      TrainStats second = trainer.fitEpoch(net, 2);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(spark.sparkContext().getPersistentRDDs().size()).as("the epoch's minibatches are unpersisted")
          .isEqualTo(persisted);
      assertThat(second.images()).isEqualTo(280);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    assertThat(stages.values()).as("epoch 2's stages").isNotEmpty()
        .allSatisfy(st -> assertThat(st[0]).as("shuffle bytes written").isZero());
    assertThat(stages.values().stream().filter(st -> st[2] == 1)).as("averaging rounds").hasSizeBetween(4, 5)
        .allSatisfy(st -> assertThat(st[1]).as("tasks: one per worker").isEqualTo(2));
  }

  @Test
  void badInputIsOneClearErrorAndAnExitCode() throws IOException {
    String out = tmp.resolve("out").toString();
    assertThat(exec("--data", tmp.resolve("nothing").toString(), "--out", out, "--no-spark")).isEqualTo(1);
    assertThat(exec("--data", data, "--out", out, "--no-spark", "--set", "fer.train.epohcs=2")).isEqualTo(2);
    assertThat(exec("--data", data, "--out", out, "--no-spark", "--balance", "smote")).isEqualTo(2);
    assertThat(Path.of(out)).doesNotExist();

    Files.createDirectories(Path.of(out));
    Files.writeString(Path.of(out, "model.zip"), "earlier run");
    assertThat(exec("--data", data, "--out", out, "--no-spark")).isEqualTo(1);
    assertThat(Files.readString(Path.of(out, "model.zip"))).isEqualTo("earlier run");
  }

  @Test
  void aClaimedOutIsRefusedAndTheStaleClaimOfAKilledRunIsTakenOverByResume() throws Exception {
    Path out = tmp.resolve("claimed");
    org.apache.hadoop.fs.Path hadoopOut = new org.apache.hadoop.fs.Path(out.toUri());
    try (OutputClaim other = OutputClaim.acquire(hadoopOut, new org.apache.hadoop.conf.Configuration(), "fer-train",
        false)) {
      assertThatThrownBy(() -> TrainJob.run(null, settings(), data, out, true, false))
          .isInstanceOf(InputError.class).hasMessageContaining("in use by another run: fer-train on host");
    }
    // a killed run's claim: this host, a pid that is gone
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    OutputClaim.acquire(hadoopOut, new org.apache.hadoop.conf.Configuration(), "fer-train", false);
    Path marker = out.resolve(OutputClaim.FILE);
    Files.writeString(marker, Files.readString(marker).replaceFirst("\"pid\":\\d+", "\"pid\":" + dead.pid()));

    assertThatThrownBy(() -> TrainJob.run(null, settings(), data, out, false, false))
        .isInstanceOf(InputError.class).hasMessageContaining("no longer running")
        .hasMessageContaining("pid " + dead.pid());
    TrainJob.Report resumed = TrainJob.run(null, settings(), data, out, true, false);
    assertThat(resumed.result().lastEpoch()).isEqualTo(1);
    assertThat(marker).as("released at the end").doesNotExist();
  }

  @Test
  void resumeRefusesADatasetWithAnotherClassCount() throws IOException {
    Path out = tmp.resolve("run");
    assertThat(exec("--data", data, "--out", out.toString(), "--no-spark", "--arch", "tiny-cnn", "--epochs", "1",
        "--batch", "32")).isEqualTo(0);
    Path eight = tmp.resolve("eight");
    copyTree(Path.of(data), eight);
    Path manifest = eight.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"neutral\" ]", "\"neutral\", \"contempt\" ]"));
    Files.deleteIfExists(eight.resolve(".manifest.json.crc"));

    assertThatThrownBy(() -> TrainJob.run(null, settings("fer.train.epochs=2"), eight.toString(), out, true, false))
        .hasMessageContaining("cannot resume").hasMessageContaining("7 classes").hasMessageContaining("8");
  }

  @Test
  void oneWorkerOnLocal2FitsEachSplitInOneTaskWithAllOpenMpThreads() throws IOException {
    SparkConf local = new SparkConf().set("spark.master", "local[2]");
    var defaults = (ParameterAveragingTrainingMaster) SparkEpochTrainer.trainingMaster(settings(), local);
    assertThat(defaults.getNumWorkers()).as("DL4J takes Spark's default parallelism").isNull();
    assertThat(SparkEpochTrainer.trainingHooks(settings(), local)).anyMatch(h -> h instanceof OmpThreadsHook);
    TrainSettings one = settings("fer.train.spark.workers=1");
    assertThat(((ParameterAveragingTrainingMaster) SparkEpochTrainer.trainingMaster(one, local)).getNumWorkers())
        .isEqualTo(1);
    assertThat(SparkEpochTrainer.trainingHooks(one, local)).as("one task at a time keeps all threads")
        .noneMatch(h -> h instanceof OmpThreadsHook);

    Map<Integer, Integer> tasksPerStage = new java.util.concurrent.ConcurrentHashMap<>();
    SparkListener fits = new SparkListener() {
      @Override
      public void onStageCompleted(SparkListenerStageCompleted e) {
        if (e.stageInfo().name().contains("TrainingMaster") && e.stageInfo().name().contains("treeAggregate")) {
          tasksPerStage.put(e.stageInfo().stageId(), e.stageInfo().numTasks());
        }
      }
    };
    spark.sparkContext().addSparkListener(fits);
    try {
      TrainJob.run(spark, one, data, tmp.resolve("one"), false, false);
      spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    } finally {
      spark.sparkContext().removeSparkListener(fits);
    }
    assertThat(tasksPerStage).as("DL4J's averaging stages").isNotEmpty();
    assertThat(tasksPerStage.values()).as("fitting stages run one task: one model copy").containsOnly(1);
    assertThat(ModelFile.load(tmp.resolve("one/model.zip"), false).metadata().classNames()).hasSize(7);
  }

  @Test
  void gradientSharingOnOneHostAndKryoWithoutNd4jAreRefusedWithTheReason() {
    SparkConf local = new SparkConf().set("spark.master", "local[2]");
    assertThatThrownBy(() -> SparkEpochTrainer.trainingMaster(settings(
        "fer.train.spark.training-master=shared-gradients"), local))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("distinct hosts");
    SparkConf kryo = new SparkConf().set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    assertThatThrownBy(() -> SparkEpochTrainer.checkSerializer(kryo))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("Nd4jRegistrator");
  }

  private static int exec(String... args) {
    return JobRunner.execute(new TrainJob(), args);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
