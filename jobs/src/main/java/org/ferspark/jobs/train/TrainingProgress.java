package org.ferspark.jobs.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Progress inside a Spark training epoch, on the driver: a listener on DL4J's jobs. Parameter averaging first counts
 * the epoch's minibatches ({@code count at ParameterAveragingTrainingMaster}), splits them into
 * {@code max(1, floor(minibatches / (workers * averaging frequency)))} random splits and fits each with one
 * {@code treeAggregate} job; after each finished split this logs the epoch's share done, images/s and ETA (at most
 * every {@code interval} seconds, and always after the last split), e.g.
 * {@code fer-train: epoch 3: split 12 of 45, ~7,650 of 28,709 images (26.7 %), 21.3 img/s, epoch ETA 0:16:29}.
 */
public final class TrainingProgress extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingProgress.class);
  private final int batchesPerSplit;
  private final long intervalNanos;
  private final Map<Integer, String> jobNames = new ConcurrentHashMap<>();
  private boolean active;
  private int epoch;
  private long expected;
  private LongAccumulator batchesMade;
  private long startNanos;
  private long lastLogNanos;
  private int splits;
  private int splitsDone;

  /**
   * @param workers training workers (Spark's default parallelism, as DL4J's training master takes it)
   * @param averagingFrequency minibatches each worker fits between two averagings
   * @param intervalSeconds least time between two progress lines
   */
  public TrainingProgress(int workers, int averagingFrequency, double intervalSeconds) {
    this.batchesPerSplit = Math.max(1, workers * averagingFrequency);
    this.intervalNanos = (long) (intervalSeconds * 1e9);
  }

  /** Starts epoch {@code epoch} of {@code expectedImages}; {@code batchesMade} counts the minibatches made. */
  public synchronized void startEpoch(int epoch, long expectedImages, LongAccumulator batchesMade) {
    this.active = true;
    this.epoch = epoch;
    this.expected = expectedImages;
    this.batchesMade = batchesMade;
    this.startNanos = System.nanoTime();
    this.lastLogNanos = startNanos;
    this.splits = 0;
    this.splitsDone = 0;
  }

  /** Stops following the jobs. */
  public synchronized void endEpoch() {
    active = false;
  }

  /** Splits of the current (or last) epoch: {@code {done, total}} (total 0 until DL4J's count finished). */
  public synchronized int[] splits() {
    return new int[] {splitsDone, splits};
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    StageInfo last = null;
    for (StageInfo s : JavaConverters.seqAsJavaList(e.stageInfos())) {
      if (last == null || s.stageId() > last.stageId()) {
        last = s;
      }
    }
    if (last != null && last.name().contains("TrainingMaster")) {
      jobNames.put(e.jobId(), last.name());
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    String name = jobNames.remove(e.jobId());
    if (name == null) {
      return;
    }
    synchronized (this) {
      if (!active) {
        return;
      }
      if (name.startsWith("count at")) {
        splits = (int) Math.max(1, batchesMade.value() / batchesPerSplit);
      } else if (name.startsWith("treeAggregate at")) {
        splitsDone++;
        long now = System.nanoTime();
        if (now - lastLogNanos >= intervalNanos || splitsDone == splits) {
          lastLogNanos = now;
          LOG.info(line(now));
        }
      }
    }
  }

  /** The progress line at time {@code now}. */
  synchronized String line(long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double share = splits == 0 ? 0 : Math.min(1, (double) splitsDone / splits);
    long images = Math.round(share * expected);
    double rate = images / seconds;
    String eta = rate > 0 ? clock((expected - images) / rate) : "?";
    return String.format("fer-train: epoch %d: split %d of %d, ~%,d of %,d images (%.1f %%), %.1f img/s, epoch ETA %s",
        epoch, splitsDone, splits, images, expected, 100 * share, rate, eta);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
