package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ferspark.evaluation.EvaluateSettings;
import org.ferspark.evaluation.ImageSettings;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.spark.EvaluationPipeline;
import org.ferspark.evaluation.spark.ImageEvaluationPipeline;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.train.TrainSettings;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.synthetic.FacePhotos;
import org.ferspark.preprocessing.dataset.synthetic.FerTree;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.ferspark.realtime.app.RealtimeSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three jobs on a real multi-JVM Spark standalone cluster: {@code submit-scripts/cluster.sh} starts a Master and
 * two Workers (one core, 1 GB each) from this JVM's classpath, this JVM is the driver, and each executor is its own
 * JVM, so broadcasts, closures, shuffles and task results are serialised (Kryo as {@code conf/spark-defaults.conf})
 * as on any cluster. data/sample is preprocessed, a tiny-cnn trained for 2 epochs with parameter averaging over both
 * executors, and the model evaluated, on the tensors and on a folder of colour photos with detection (the detector
 * built on each executor from its DetectorSettings); then preprocessing and both evaluations are repeated in
 * {@code local[2]}, whose outputs must be identical.
 */
class ClusterIntegrationTest {
  @TempDir static Path tmp;
  static Path clusterDir;
  static SparkSession local;
  static String master;
  static Map<Integer, String> stageNames = new ConcurrentHashMap<>();
  static Map<Integer, Set<String>> stageExecutors = new ConcurrentHashMap<>();
  static Set<Integer> trainingStages = ConcurrentHashMap.newKeySet();
  static TrainJob.Report trained;
  static EvaluateJob.Report clusterEvaluation;
  static EvaluateJob.Report localEvaluation;
  static EvaluateJob.Report clusterPhotos;
  static EvaluateJob.Report localPhotos;
  static long executorsSeen;

  @BeforeAll
  static void onTheClusterThenLocally() throws Exception {
    clusterDir = tmp.resolve("cluster");
    master = cluster("start", "--workers", "2", "--cores", "1", "--memory", "1g", "--port",
        String.valueOf(freePort()));
    String input = repo().resolve("data/sample").toString();
    SparkSession spark = withProjectProperties(SparkSession.builder().master(master).appName("ClusterIntegrationTest"))
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.memory", "1g").config("spark.executor.cores", "1").config("spark.cores.max", "2")
        .config("spark.executorEnv.OMP_NUM_THREADS", "1").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    try {
      spark.sparkContext().addSparkListener(new StageRecorder());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      executorsSeen = spark.sparkContext().getExecutorMemoryStatus().size() - 1;
      assertThat(executorsSeen).as("executors registered with %s (logs in %s)", master, clusterDir).isEqualTo(2);

      PreprocessPipeline.run(spark, preprocessSettings(input, tmp.resolve("cluster-pre")));
      Set<Integer> before = Set.copyOf(stageNames.keySet());
      trained = TrainJob.run(spark, trainSettings(), tmp.resolve("cluster-pre").toString(), tmp.resolve("model"),
          false, false);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      stageNames.keySet().stream().filter(id -> !before.contains(id)).forEach(trainingStages::add);
      clusterEvaluation = evaluate(spark, tmp.resolve("cluster-pre"), tmp.resolve("cluster-report"));
      FacePhotos.writeSet(FerTree.index(repo().resolve("data/sample/test")), tmp.resolve("photos"), 2, 64, 160, 5);
      clusterPhotos = evaluatePhotos(spark, tmp.resolve("cluster-photos"));
    } finally {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      cluster("stop");
    }

    local = withProjectProperties(SparkSession.builder().master("local[2]").appName("ClusterIntegrationTest-local"))
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    PreprocessPipeline.run(local, preprocessSettings(input, tmp.resolve("local-pre")));
    localEvaluation = evaluate(local, tmp.resolve("local-pre"), tmp.resolve("local-report"));
    localPhotos = evaluatePhotos(local, tmp.resolve("local-photos"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (local != null) {
      local.stop();
    }
    if (clusterDir != null && Files.exists(clusterDir.resolve("master.pid"))) {
      cluster("stop");
    }
  }

  @Test
  void preprocessingWritesTheSameTensorsAndManifestAsLocalMode() throws IOException {
    List<Row> onCluster = tensors(tmp.resolve("cluster-pre"));
    List<Row> locally = tensors(tmp.resolve("local-pre"));
    assertThat(onCluster).hasSize(420);
    assertThat(onCluster).as("tensor rows, sorted by id").isEqualTo(locally);
    assertThat(withoutKeys(tmp.resolve("cluster-pre/manifest.json"), "createdAt"))
        .isEqualTo(withoutKeys(tmp.resolve("local-pre/manifest.json"), "createdAt"));
  }

  @Test
  void trainingAveragedOverBothExecutorsIntoALoadableModel() throws IOException {
    assertThat(trained.mode()).isEqualTo("spark-parameter-averaging");
    assertThat(trained.result().history()).hasSize(2);
    assertThat(trained.result().history()).allSatisfy(row -> {
      assertThat(row.images()).isEqualTo(280);
      assertThat(row.trainLoss()).isFinite().isPositive();
    });
    List<String> averaging = new ArrayList<>();
    Set<String> executors = ConcurrentHashMap.newKeySet();
    for (int stage : trainingStages) {
      if (stageNames.get(stage).contains("ParameterAveragingTrainingMaster")) {
        averaging.add(stageNames.get(stage));
        executors.addAll(stageExecutors.getOrDefault(stage, Set.of()));
      }
    }
    assertThat(averaging).as("DL4J's averaging stages among %s", names(trainingStages)).isNotEmpty();
    assertThat(executors).as("executors that ran tasks of the averaging stages").hasSize(2)
        .doesNotContain("driver");
    assertThat(ModelFile.load(tmp.resolve("model/model.zip"), false).metadata().classNames()).hasSize(7);
  }

  @Test
  void evaluationOfTheClusterTrainedModelEqualsLocalMode() throws IOException {
    assertThat(clusterEvaluation.result().models().get(0).plain().examples()).isEqualTo(70);
    JsonNode onCluster = withoutKeys(tmp.resolve("cluster-report/metrics.json"), "seconds", "path");
    JsonNode locally = withoutKeys(tmp.resolve("local-report/metrics.json"), "seconds", "path");
    // Counts (confusion matrix, support, predictions, accuracy, F1, calibration bin counts) are identical; the mean
    // loss, ECE and mean confidences, sums of float32 probabilities, differed in the 9th digit when this was written
    // (executors run ND4J on one BLAS thread here, local[2] on two), hence the tolerance on non-integral numbers.
    List<String> differences = new ArrayList<>();
    compare("", onCluster, locally, differences);
    assertThat(differences).as("metrics.json, cluster vs local[2]").isEmpty();
    assertThat(tmp.resolve("cluster-report/confusion_matrix.csv"))
        .hasSameTextualContentAs(tmp.resolve("local-report/confusion_matrix.csv"));
  }

  @Test
  void photoEvaluationWithTheDetectorOnTheExecutorsEqualsLocalMode() throws IOException {
    var inputs = clusterPhotos.result().inputs();
    assertThat(inputs.total()).isEqualTo(14);
    assertThat(inputs.detector().searched()).as("every photo searched by an executor's detector").isEqualTo(14);
    assertThat(inputs.scored()).as("faces the detector found").isPositive();
    assertThat(inputs).isEqualTo(localPhotos.result().inputs());
    List<String> differences = new ArrayList<>();
    compare("", withoutKeys(tmp.resolve("cluster-photos/metrics.json"), "seconds"),
        withoutKeys(tmp.resolve("local-photos/metrics.json"), "seconds"), differences);
    assertThat(differences).as("metrics.json of the photos, cluster vs local[2]").isEmpty();
    assertThat(local.read().parquet(tmp.resolve("cluster-photos/predictions.parquet").toString()).count())
        .isEqualTo(inputs.scored());
  }

  /** Records each stage's name and the executors its tasks ran on. */
  static final class StageRecorder extends SparkListener {
    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
      stageNames.put(e.stageInfo().stageId(), e.stageInfo().name());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      stageExecutors.computeIfAbsent(e.stageId(), k -> ConcurrentHashMap.newKeySet()).add(e.taskInfo().executorId());
    }
  }

  private static EvaluateJob.Report evaluate(SparkSession spark, Path data, Path report) throws IOException {
    EvaluateSettings settings = EvaluateSettings.from(FerConfig.load(null, List.of(), Map.of()));
    EvaluationPipeline.Inputs inputs = EvaluationPipeline.prepare(data.toString(), "test",
        List.of(ModelSpec.fer(tmp.resolve("model/model.zip").toString())), new Configuration());
    return EvaluateJob.run(spark, inputs, settings, report, false);
  }

  private static EvaluateJob.Report evaluatePhotos(SparkSession spark, Path report) throws IOException {
    EvaluateSettings settings = EvaluateSettings.from(FerConfig.load(null, List.of(), Map.of()));
    ImageSettings images = ImageSettings.from(FerConfig.load(null, List.of(), Map.of()), RealtimeSettings.root());
    ImageEvaluationPipeline.Inputs in = ImageEvaluationPipeline.prepare(tmp.resolve("photos").toString(),
        List.of(ModelSpec.fer(tmp.resolve("model/model.zip").toString())), images, new Configuration());
    return EvaluateJob.run(spark, (s, target, replace) -> ImageEvaluationPipeline.run(s, in, settings, images, false,
        target, replace), report, false, report.toAbsolutePath().resolve("predictions.parquet").toUri().toString());
  }

  private static PreprocessSettings preprocessSettings(String input, Path out) {
    return PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()), input, out.toString(), true);
  }

  private static TrainSettings trainSettings() {
    return TrainSettings.from(FerConfig.load(null, List.of("fer.train.arch=tiny-cnn", "fer.train.batch=16",
        "fer.train.epochs=2", "fer.train.train-eval-samples=0", "fer.train.spark.averaging-frequency=2"), Map.of()));
  }

  private static List<Row> tensors(Path data) {
    return local.read().parquet(data.resolve("tensors").toString())
        .select("id", "source", "label", "label_name", "pixels", "height", "width", "copy", "augmentation", "split")
        .orderBy("id").collectAsList();
  }

  private static JsonNode withoutKeys(Path json, String... keys) throws IOException {
    JsonNode tree = new ObjectMapper().readTree(json.toFile());
    List<JsonNode> todo = new ArrayList<>(List.of(tree));
    while (!todo.isEmpty()) {
      JsonNode n = todo.remove(todo.size() - 1);
      if (n instanceof ObjectNode o) {
        o.remove(List.of(keys));
      }
      n.forEach(todo::add);
    }
    return tree;
  }

  /** Adds to {@code out} each path where the trees differ: exactly, except doubles within 1e-6 relative. */
  private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isNumber() && b.isNumber() && (a.isFloatingPointNumber() || b.isFloatingPointNumber())) {
      double x = a.doubleValue();
      double y = b.doubleValue();
      boolean integral = x == Math.rint(x) || y == Math.rint(y);
      if (integral ? x != y : Math.abs(x - y) > 1e-6 * Math.max(1, Math.abs(x))) {
        out.add(path + ": " + a + " vs " + b);
      }
    } else if (a.isContainerNode() && b.isContainerNode() && a.size() == b.size() && a.getNodeType() == b.getNodeType()) {
      if (a.isArray()) {
        for (int i = 0; i < a.size(); i++) {
          compare(path + "[" + i + "]", a.get(i), b.get(i), out);
        }
      } else {
        a.fieldNames().forEachRemaining(f -> compare(path + "." + f, a.get(f), b.path(f), out));
      }
    } else if (!a.equals(b)) {
      out.add(path + ": " + a + " vs " + b);
    }
  }

  private static List<String> names(Set<Integer> stages) {
    return stages.stream().sorted().map(stageNames::get).toList();
  }

  private static SparkSession.Builder withProjectProperties(SparkSession.Builder b) throws IOException {
    ProjectSparkProperties.read().forEach(b::config);
    return b;
  }

  /** Runs submit-scripts/cluster.sh ACTION ... --dir clusterDir; returns the last line it printed. */
  private static String cluster(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", repo().resolve("submit-scripts/cluster.sh").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--dir", clusterDir.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("FER_CLUSTER_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("FER_CLUSTER_DAEMON_MEMORY", "256m");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(200, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("cluster.sh %s:%n%s", String.join(" ", args), out).isZero();
    List<String> lines = out.lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path repo() {
    return Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  }
}
