package org.ferspark.model.train;

import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.net.FastBatchNorm;
import org.ferspark.preprocessing.image.Augmenter;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits an epoch in this JVM: {@code net.fit(DataSet)} over seeded, optionally oversampled and augmented batches, or,
 * with {@code fer.train.local-replicas} above 1, each batch split over that many replicas of the network
 * ({@link DataParallelStep}).
 */
public final class LocalEpochTrainer implements EpochTrainer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEpochTrainer.class);

  private final TensorDataset train;
  private final TrainSettings settings;
  private final Batches batches;
  private DataParallelStep parallel;

  public LocalEpochTrainer(TensorDataset train, TrainSettings settings) {
    this.train = train;
    this.settings = settings;
    this.batches = new Batches(settings.imageSize(), train.classes(), settings.labelSmoothing(),
        settings.onlineAugmentation() ? new Augmenter(settings.augment(), settings.imageSize()) : null);
  }

  @Override
  public TrainStats fitEpoch(ComputationGraph net, int epoch) {
    long t0 = System.nanoTime();
    int[] order = EpochOrder.of(train.labels(), train.classes(), settings.seed(), epoch,
        "oversample".equals(settings.balance()));
    SplittableRandom augmentRng = new SplittableRandom(EpochOrder.epochSeed(settings.seed() + 1, epoch));
    int batch = settings.batch();
    int batchesTotal = (order.length + batch - 1) / batch;
    int logEvery = Math.max(1, batchesTotal / 10);
    double lossSum = 0;
    DataParallelStep step = step(net);
    if (step != null) {
      step.startEpoch(EpochOrder.epochSeed(settings.seed() + 3, epoch));
    }
    try {
      for (int b = 0; b < batchesTotal; b++) {
        int from = b * batch;
        int to = Math.min(order.length, from + batch);
        DataSet ds = batches.of(train, order, from, to, augmentRng);
        // DL4J's score adds the weight-decay / L2 term; the history reports the data loss, comparable to val_loss.
        double loss;
        if (step != null) {
          loss = step.fit(ds);
        } else {
          net.fit(ds);
          loss = net.score() - net.calcRegularizationScore(true);
        }
        lossSum += loss * (to - from);
        if ((b + 1) % logEvery == 0 && b + 1 < batchesTotal) {
          double s = (System.nanoTime() - t0) / 1e9;
          LOG.info(String.format(Locale.ROOT, "epoch %d: batch %d/%d, loss %.4f, %.1f img/s", epoch, b + 1,
              batchesTotal, lossSum / to, to / s));
        }
      }
    } finally {
      if (step != null) {
        step.endEpoch();
      }
    }
    return new TrainStats(order.length, lossSum / order.length, (System.nanoTime() - t0) / 1e9);
  }

  /** The data-parallel step for {@code net}, built on its first epoch; null for one network on all threads. */
  private DataParallelStep step(ComputationGraph net) {
    int replicas = replicas(settings, net);
    if (replicas < 2) {
      return null;
    }
    if (parallel == null || !parallel.trains(net)) {
      close();
      parallel = new DataParallelStep(net, replicas);
    }
    return parallel;
  }

  /**
   * The replicas {@code fer.train.local-replicas} asks for on this JVM: as set, or for 0 (auto) on a net with batch
   * norm the JVM's OpenMP threads, up to one per 16 examples of a minibatch, and one network on a net without (measured
   * on 2 cores, bench/RESULTS.md: vgg-bn 1.13-1.15x faster with 2 replicas, paper-cnn, whose time is in its large
   * dense layers' GEMMs that scale across OpenMP threads, 0.96x); 1 where a batch-norm layer has no
   * {@link FastBatchNorm} (its statistics would be a slice's); auto is 1 on a GPU backend.
   */
  static int replicas(TrainSettings settings, ComputationGraph net) {
    int wanted = settings.localReplicas() > 0 ? settings.localReplicas()
        : !FastBatchNorm.hasBatchNorm(net) || !cpuBackend() ? 1
        : Math.max(1, Math.min(Nd4j.getEnvironment().maxThreads(), settings.batch() / 16));
    if (wanted > 1 && !FastBatchNorm.installedOn(net)) {
      LOG.info("fer.train.local-replicas: one network (batch norm without FastBatchNorm cannot be split)");
      return 1;
    }
    return Math.min(wanted, settings.batch());
  }

  /** Whether ND4J runs on the CPU (auto never splits a minibatch over replicas sharing one GPU). */
  private static boolean cpuBackend() {
    Object backend = Nd4j.getExecutioner().getEnvironmentInformation().get("backend");
    return backend == null || "CPU".equalsIgnoreCase(backend.toString());
  }

  @Override
  public String mode() {
    return parallel == null ? "local" : "local-" + parallel.replicas() + "-replicas";
  }

  @Override
  public void close() {
    if (parallel != null) {
      parallel.close();
      parallel = null;
    }
  }
}
