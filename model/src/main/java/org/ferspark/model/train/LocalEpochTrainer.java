package org.ferspark.model.train;

import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.preprocessing.image.Augmenter;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fits an epoch in this JVM: {@code net.fit(DataSet)} over seeded, optionally oversampled and augmented batches. */
public final class LocalEpochTrainer implements EpochTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEpochTrainer.class);

  private final TensorDataset train;
  private final TrainSettings settings;
  private final Batches batches;

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
    for (int b = 0; b < batchesTotal; b++) {
      int from = b * batch;
      int to = Math.min(order.length, from + batch);
      DataSet ds = batches.of(train, order, from, to, augmentRng);
      net.fit(ds);
      // DL4J's score adds the weight-decay / L2 term; the history reports the data loss, comparable to val_loss.
      lossSum += (net.score() - net.calcRegularizationScore(true)) * (to - from);
      if ((b + 1) % logEvery == 0 && b + 1 < batchesTotal) {
        double s = (System.nanoTime() - t0) / 1e9;
        LOG.info(String.format(Locale.ROOT, "epoch %d: batch %d/%d, loss %.4f, %.1f img/s", epoch, b + 1,
            batchesTotal, lossSum / to, to / s));
      }
    }
    return new TrainStats(order.length, lossSum / order.length, (System.nanoTime() - t0) / 1e9);
  }

  @Override
  public String mode() {
    return "local";
  }
}
