package org.ferspark.jobs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.jobs.JobRunner;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.net.FastBatchNorm;
import org.ferspark.model.net.OneDnn;
import org.ferspark.model.train.Batches;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.NetworkFactory;
import org.ferspark.model.train.TensorDataset;
import org.ferspark.model.train.TrainSettings;
import org.ferspark.preprocessing.config.FerConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Single-JVM DL4J throughput on real preprocessed tensors (not a Spark job, not a test; used by
 * {@code bench/train.sh}): steady-state training images/s ({@code net.fit} of one batch, median over
 * {@code --batches} after {@code --warmup}; batch norm on {@code FastBatchNorm} when
 * {@code fer.train.fast-batch-norm} is on, as in the training job), inference images/s at the training batch size
 * (median) and batch-1 latency (median and p90), with batch norm folded as in evaluation, predict and realtime.
 * The network is the training job's ({@link NetworkFactory}, same settings and defaults); batches are built before
 * timing, as the PyTorch peer ({@code bench/torch_bench.py}) does.
 * Prints {@code OneDnn.describe()} and one last line {@code train-bench: {json}}.
 *
 * <p>{@code java -cp jobs/target/fer-spark-jobs.jar:$(cat jobs/target/spark-classpath.txt) <flags>
 * org.ferspark.jobs.bench.TrainBench --data DIR --arch paper-cnn --batches 5}
 */
@Command(name = "train-bench", mixinStandardHelpOptions = true,
    description = "Single-JVM DL4J training and inference throughput on preprocessed tensors.")
public final class TrainBench implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "preprocessed dataset (its train split is used)")
  String data;
  @Option(names = "--arch", defaultValue = "paper-cnn", description = "architecture (default ${DEFAULT-VALUE})")
  String arch;
  @Option(names = "--batch", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
  int batch;
  @Option(names = "--batches", defaultValue = "5", description = "timed training batches (default ${DEFAULT-VALUE})")
  int batches;
  @Option(names = "--warmup", defaultValue = "2", description = "untimed batches first (default ${DEFAULT-VALUE})")
  int warmup;
  @Option(names = "--infer-batches", defaultValue = "5",
      description = "timed inference batches (default ${DEFAULT-VALUE})")
  int inferBatches;
  @Option(names = "--latency-samples", defaultValue = "50",
      description = "timed batch-1 predictions, after 10 untimed (default ${DEFAULT-VALUE})")
  int latencySamples;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainBench()).execute(args));
  }

  @Override
  public Integer call() {
    if (batches < 1 || warmup < 0 || inferBatches < 1 || latencySamples < 1 || batch < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "counts must be >= 1 (warmup >= 0)");
    }
    OneDnn.enable();
    System.out.println("backend: " + OneDnn.describe());
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("fer.train.arch", arch);
    flags.put("fer.train.batch", batch);
    TrainSettings s = TrainSettings.from(FerConfig.load(null, List.of(), flags));
    Configuration hadoop = new Configuration();
    DatasetManifest manifest = DatasetManifest.read(data, hadoop);
    manifest.requireShape(s.imageSize());
    TensorDataset train = TensorDataset.read(data, "train", manifest, hadoop);
    ComputationGraph net = NetworkFactory.build(s, manifest.labels(), train.classCounts());
    // as the training job does (TrainingLoop): fer.train.fast-batch-norm
    int fastBn = s.fastBatchNorm() ? FastBatchNorm.install(net) : 0;

    // batches of real faces in a seeded shuffled order, wrapping around a small split
    Batches maker = new Batches(s.imageSize(), manifest.classes(), 0, null);
    int[] order = new int[Math.max(train.size(), batch)];
    for (int i = 0; i < order.length; i++) {
      order[i] = i % train.size();
    }
    shuffle(order, new SplittableRandom(s.seed()));
    int distinct = Math.max(1, Math.min(warmup + batches, order.length / batch));
    List<DataSet> sets = new ArrayList<>();
    for (int b = 0; b < distinct; b++) {
      sets.add(maker.of(train, order, b * batch, (b + 1) * batch, null));
    }

    for (int i = 0; i < warmup; i++) {
      net.fit(sets.get(i % distinct));
    }
    double[] fit = new double[batches];
    for (int i = 0; i < batches; i++) {
      DataSet ds = sets.get((warmup + i) % distinct);
      long t0 = System.nanoTime();
      net.fit(ds);
      fit[i] = (System.nanoTime() - t0) / 1e9;
    }
    double fitMedian = quantile(fit, 0.5);
    boolean helpers = OneDnn.helpersActive(net);
    long params = net.numParams();

    INDArray x = sets.get(0).getFeatures();
    // inference as the evaluation job, predict and realtime run it: batch norm folded into the convolutions
    net = BatchNormFolding.fold(net);
    net.outputSingle(false, x);
    double[] infer = new double[inferBatches];
    for (int i = 0; i < inferBatches; i++) {
      long t0 = System.nanoTime();
      net.outputSingle(false, x);
      infer[i] = (System.nanoTime() - t0) / 1e9;
    }
    INDArray one = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
    for (int i = 0; i < 10; i++) {
      net.outputSingle(false, one);
    }
    double[] lat = new double[latencySamples];
    for (int i = 0; i < latencySamples; i++) {
      long t0 = System.nanoTime();
      net.outputSingle(false, one);
      lat[i] = (System.nanoTime() - t0) / 1e6;
    }

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("arch", s.arch());
    out.put("params", params);
    out.put("batch", batch);
    out.put("warmup", warmup);
    out.put("batches", batches);
    out.put("trainImages", train.size());
    out.put("trainSecondsPerBatch", round(fitMedian, 4));
    out.put("trainImagesPerSecond", round(batch / fitMedian, 1));
    out.put("inferImagesPerSecond", round(batch / quantile(infer, 0.5), 1));
    out.put("latencyMsMedian", round(quantile(lat, 0.5), 2));
    out.put("latencyMsP90", round(quantile(lat, 0.9), 2));
    out.put("oneDnnHelpersActive", helpers);
    out.put("fastBatchNormLayers", fastBn);
    out.put("backend", OneDnn.describe());
    JobRunner.printSummary("train-bench", out);
    System.out.println(String.format(Locale.ROOT, "%s: train %.1f img/s (median of %d batches of %d), "
        + "infer b%d %.1f img/s, b1 %.2f ms median / %.2f ms p90", s.arch(), batch / fitMedian, batches, batch,
        batch, batch / quantile(infer, 0.5), quantile(lat, 0.5), quantile(lat, 0.9)));
    return 0;
  }

  private static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Nearest-rank quantile of a copy of {@code v}. */
  static double quantile(double[] v, double q) {
    double[] c = v.clone();
    Arrays.sort(c);
    int idx = (int) Math.ceil(q * c.length) - 1;
    return c[Math.max(0, Math.min(c.length - 1, idx))];
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Double.isFinite(v) ? Math.round(v * f) / f : Double.NaN;
  }
}
