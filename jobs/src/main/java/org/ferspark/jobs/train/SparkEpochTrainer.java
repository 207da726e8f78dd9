package org.ferspark.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.util.ComputationGraphUtil;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.ferspark.model.train.Batches;
import org.ferspark.model.train.EpochOrder;
import org.ferspark.model.train.EpochTrainer;
import org.ferspark.model.train.TrainSettings;
import org.ferspark.model.train.TrainStats;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.image.AugmentParams;
import org.ferspark.preprocessing.image.Augmenter;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits an epoch on Spark executors with DL4J's {@link SparkComputationGraph}: the training split is read once from
 * Parquet and cached as {@code (label, pixels)} rows in one partition per worker; every epoch turns each partition into
 * minibatches of {@code batch-size-per-worker} on the executors (seeded shuffle, oversampling and online
 * augmentation per epoch and partition), and the training master averages (or shares) the updates into the
 * driver's network, in place.
 *
 * <p>{@code RDDTrainingApproach.Direct}: the minibatches differ every epoch (shuffle, augmentation), so Export would
 * write the whole epoch to disk each time, and Export fails outside local mode unless the default file system is
 * shared (stack notes §3). Direct fits from the in-memory RDD.
 *
 * <p>Per averaging round DL4J's parameter averaging takes a random split of the persisted epoch RDD and, with its
 * default {@code Repartition.Always}, counts it twice and shuffles it to the workers; with its default
 * {@code MEMORY_ONLY_SER} every round deserialises the whole epoch again (rounds x epoch). Here the rows come in one
 * partition per worker, so the split already has the workers' partitions ({@code NumPartitionsWorkersDiffers}: no
 * count, no shuffle), the epoch's batches are kept as objects ({@code fer.train.spark.epoch-storage-level}), and
 * they are unpersisted when the epoch ends (DL4J never drops them). Measured, issue 12: vgg-bn 1.20-1.27x and
 * paper-cnn 1.08x images/s on a 10,240-image epoch on {@code local[2]} (bench/RESULTS.md).
 */
public final class SparkEpochTrainer implements EpochTrainer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SparkEpochTrainer.class);
  private static final String TIME_SOURCE = TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY;
  private final JavaSparkContext jsc;
  private final Dataset<Row> rows;
  private final TrainSettings settings;
  private final int classes;
  private final double[] repeat;
  private final TrainingMaster<?, ?> master;
  private final TrainingProgress progress;
  private final long epochImages;

  /**
   * @param trainCounts training images per class (oversampling factors)
   * @throws FerConfig.ConfigError if Kryo is on without ND4J's registrator, or gradient sharing on one host
   */
  public SparkEpochTrainer(SparkSession spark, String data, TrainSettings settings, int classes, long[] trainCounts) {
    this(spark, data, settings, classes, trainCounts, null);
  }

  /**
   * @param labelMap dataset label → run label, -1 = leave the image out ({@code LabelSet.map()}); {@code null} =
   *     the dataset's labels as they are
   */
  public SparkEpochTrainer(SparkSession spark, String data, TrainSettings settings, int classes, long[] trainCounts,
      int[] labelMap) {
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    checkSerializer(jsc.getConf());
    this.settings = settings;
    this.classes = classes;
    this.repeat = "oversample".equals(settings.balance()) ? EpochOrder.repeatFactors(trainCounts) : null;
    this.master = trainingMaster(settings, jsc.getConf());
    Dataset<Row> train = spark.read().parquet(data + "/tensors").filter(col("split").equalTo("train"))
        .select("label", "pixels");
    if (labelMap != null) {
      Column mapped = null;
      for (int i = 0; i < labelMap.length; i++) {
        mapped = mapped == null ? when(col("label").equalTo(i), labelMap[i])
            : mapped.when(col("label").equalTo(i), labelMap[i]);
      }
      train = train.withColumn("label", mapped.otherwise(-1)).filter(col("label").geq(0));
    }
    int workers = settings.spark().workers() > 0 ? settings.spark().workers() : jsc.defaultParallelism();
    // One partition per worker: every averaging round's split of the epoch then already has the workers' partition
    // count, and DL4J's per-round repartition (two counting jobs and a shuffle of the round's batches) is skipped.
    this.rows = train.repartition(workers).persist(StorageLevel.MEMORY_ONLY());
    this.epochImages = epochImages(trainCounts, repeat);
    this.progress = new TrainingProgress(workers, settings.spark().averagingFrequency(), 10);
    jsc.sc().addSparkListener(progress);
  }

  /** Images in one epoch: the training split, with oversampling's expected repeats. */
  static long epochImages(long[] trainCounts, double[] repeat) {
    double n = 0;
    for (int c = 0; c < trainCounts.length; c++) {
      n += trainCounts[c] * (repeat == null ? 1 : repeat[c]);
    }
    return Math.round(n);
  }

  /** The listener logging progress inside each epoch. */
  public TrainingProgress progress() {
    return progress;
  }

  @Override
  public TrainStats fitEpoch(ComputationGraph net, int epoch) {
    long t0 = System.nanoTime();
    LongAccumulator images = jsc.sc().longAccumulator("fer-train images, epoch " + epoch);
    LongAccumulator made = jsc.sc().longAccumulator("fer-train minibatches, epoch " + epoch);
    JavaRDD<MultiDataSet> batches = rows.javaRDD().mapPartitionsWithIndex(new ToBatches(settings.imageSize(),
        classes, settings.spark().batchSizePerWorker(), settings.labelSmoothing(),
        settings.onlineAugmentation() ? settings.augment() : null, repeat, settings.seed(), epoch, images, made),
        false);
    SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, master);
    progress.startEpoch(epoch, epochImages, made);
    ComputationGraph fitted;
    try {
      // parameter averaging persists this RDD (fer.train.spark.epoch-storage-level) and never drops it
      fitted = sparkNet.fitMultiDataSet(batches);
    } finally {
      batches.unpersist(false);
      progress.endEpoch();
    }
    if (settings.spark().collectStats() && sparkNet.getSparkTrainingStats() != null) {
      LOG.info("fer-train: epoch {} Spark training stats (fer.train.spark.collect-stats)\n{}", epoch,
          sparkNet.getSparkTrainingStats().statsAsString());
    }
    if (fitted != net) {
      net.setParams(fitted.params());
      net.getUpdater().setStateViewArray(fitted.getUpdater().getStateViewArray());
    }
    // The workers' score includes the weight-decay / L2 term; subtract the averaged network's (approximately the
    // workers' own) so train_loss is the data loss, comparable to val_loss.
    double dataLoss = sparkNet.getScore() - net.calcRegularizationScore(true);
    return new TrainStats(images.value(), dataLoss, (System.nanoTime() - t0) / 1e9);
  }

  @Override
  public String mode() {
    return "spark-" + settings.spark().trainingMaster();
  }

  @Override
  public void close() {
    jsc.sc().removeSparkListener(progress);
    rows.unpersist();
  }

  static void checkSerializer(SparkConf conf) {
    String serializer = conf.get("spark.serializer", "");
    String registrator = conf.get("spark.kryo.registrator", "");
    if (serializer.contains("Kryo") && !registrator.contains("org.nd4j.kryo.Nd4jRegistrator")) {
      throw new FerConfig.ConfigError("spark.serializer is Kryo but spark.kryo.registrator is '" + registrator
          + "': ND4J arrays need --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator (train.sh passes it)");
    }
  }

  static TrainingMaster<?, ?> trainingMaster(TrainSettings s, SparkConf conf) {
    TrainSettings.Spark sp = s.spark();
    if ("shared-gradients".equals(sp.trainingMaster())) {
      String sparkMaster = conf.get("spark.master", "");
      if (sparkMaster.startsWith("local")) {
        throw new FerConfig.ConfigError("fer.train.spark.training-master = shared-gradients needs executors on "
            + "distinct hosts (Aeron over UDP): with master " + sparkMaster + " every JVM on this host becomes its "
            + "own root and no gradients travel (measured, README 'Stack'); use parameter-averaging here");
      }
      VoidConfiguration.VoidConfigurationBuilder voidConf = VoidConfiguration.builder().unicastPort(sp.sharedPort());
      if (!sp.sharedNetworkMask().isEmpty()) {
        voidConf.networkMask(sp.sharedNetworkMask());
      }
      return new SharedTrainingMaster.Builder(voidConf.build(), sp.batchSizePerWorker())
          .batchSizePerWorker(sp.batchSizePerWorker())
          .updatesThreshold(sp.sharedThreshold())
          .workerPrefetchNumBatches(sp.prefetchBatches())
          .rddTrainingApproach(RDDTrainingApproach.Direct)
          .rngSeed(s.seed())
          .build();
    }
    if (sp.collectStats()) {
      // DL4J times its stats with an NTP client by default (fails without network); the scripts pass the same
      // property to the executors
      System.setProperty(TIME_SOURCE, System.getProperty(TIME_SOURCE, SystemClockTimeSource.class.getName()));
    }
    ParameterAveragingTrainingMaster.Builder b = sp.workers() > 0
        ? new ParameterAveragingTrainingMaster.Builder(sp.workers(), sp.batchSizePerWorker())
        : new ParameterAveragingTrainingMaster.Builder(sp.batchSizePerWorker());
    return b
        .batchSizePerWorker(sp.batchSizePerWorker())
        .averagingFrequency(sp.averagingFrequency())
        .workerPrefetchNumBatches(sp.prefetchBatches())
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        // the epoch's batches come in one partition per worker (see the constructor)
        .repartionData(Repartition.NumPartitionsWorkersDiffers)
        .storageLevel(StorageLevel.fromString(sp.epochStorageLevel()))
        .saveUpdater(true)
        .collectTrainingStats(sp.collectStats())
        .rngSeed(s.seed())
        .trainingHooks(trainingHooks(s, conf))
        .build();
  }

  /** The executors' training hooks; a mutable list (Kryo cannot rebuild {@code List.of}). */
  static List<TrainingHook> trainingHooks(TrainSettings s, SparkConf conf) {
    List<TrainingHook> hooks = new ArrayList<>();
    int concurrentTasks = OmpThreadsHook.concurrentTasks(conf);
    if (s.spark().workers() > 0 && conf.get("spark.master", "").startsWith("local")) {
      // one JVM runs every worker: fewer workers than task slots run fewer tasks at once
      concurrentTasks = Math.min(concurrentTasks, s.spark().workers());
    }
    if (s.spark().splitOmpThreads() && concurrentTasks > 1) {
      hooks.add(new OmpThreadsHook(concurrentTasks));
    }
    if (s.fastBatchNorm()) {
      hooks.add(new FastBatchNormHook());
    }
    return hooks;
  }

  /** Executor side: one partition of {@code (label, pixels)} rows to shuffled, optionally oversampled batches. */
  static final class ToBatches implements Function2<Integer, Iterator<Row>, Iterator<MultiDataSet>> {
    private static final long serialVersionUID = 1L;
    private final int size;
    private final int classes;
    private final int batch;
    private final double smoothing;
    private final AugmentParams augment;
    private final double[] repeat;
    private final long seed;
    private final int epoch;
    private final LongAccumulator images;
    private final LongAccumulator batchesMade;

    ToBatches(int size, int classes, int batch, double smoothing, AugmentParams augment, double[] repeat, long seed,
        int epoch, LongAccumulator images, LongAccumulator batchesMade) {
      this.size = size;
      this.classes = classes;
      this.batch = batch;
      this.smoothing = smoothing;
      this.augment = augment;
      this.repeat = repeat;
      this.seed = seed;
      this.epoch = epoch;
      this.images = images;
      this.batchesMade = batchesMade;
    }

    @Override
    public Iterator<MultiDataSet> call(Integer partition, Iterator<Row> it) {
      SplittableRandom rng = new SplittableRandom(EpochOrder.epochSeed(seed, epoch) * 31 + partition);
      List<byte[]> faces = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      while (it.hasNext()) {
        Row r = it.next();
        int label = r.getInt(0);
        byte[] px = (byte[]) r.get(1);
        int copies = 1;
        if (repeat != null) {
          double f = repeat[label];
          copies = (int) Math.floor(f) + (rng.nextDouble() < f - Math.floor(f) ? 1 : 0);
        }
        for (int k = 0; k < copies; k++) {
          faces.add(px);
          labels.add(label);
        }
      }
      int[] order = EpochOrder.shuffled(java.util.stream.IntStream.range(0, faces.size()).toArray(), rng);
      Batches batches = new Batches(size, classes, smoothing, augment == null ? null : new Augmenter(augment, size));
      List<MultiDataSet> out = new ArrayList<>();
      for (int from = 0; from < order.length; from += batch) {
        int n = Math.min(batch, order.length - from);
        byte[][] bf = new byte[n][];
        int[] bl = new int[n];
        for (int i = 0; i < n; i++) {
          bf[i] = faces.get(order[from + i]);
          bl[i] = labels.get(order[from + i]);
        }
        out.add(ComputationGraphUtil.toMultiDataSet(batches.of(bf, bl, n, rng)));
      }
      images.add(order.length);
      batchesMade.add(out.size());
      return out.iterator();
    }
  }
}
