package org.ferspark.model.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ferspark.model.net.Architectures;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.image.AugmentParams;

/**
 * The validated settings of one training run, bound once from the {@code fer.train.*} keys (see the model module's
 * {@code reference.conf}); every error names its key and is a {@link FerConfig.ConfigError} (exit code 2).
 */
public record TrainSettings(
    String arch,
    double width,
    int epochs,
    int batch,
    double learningRate,
    String optimizer,
    double momentum,
    String lrSchedule,
    int lrStepEvery,
    double lrStepFactor,
    double lrWarmupFraction,
    double weightDecay,
    double labelSmoothing,
    Double dropout,
    String balance,
    double classWeightPower,
    Map<String, Double> classWeightBoost,
    double focalGamma,
    int patience,
    double minDelta,
    boolean onlineAugmentation,
    AugmentParams augment,
    int trainEvalSamples,
    int keepLast,
    long seed,
    int imageSize,
    boolean fastBatchNorm,
    int localReplicas,
    boolean calibrate,
    Spark spark,
    String configJson) implements Serializable {

  public static final List<String> OPTIMIZERS = List.of("adam", "sgd-nesterov");
  public static final List<String> SCHEDULES = List.of("none", "cosine", "step", "one-cycle");
  public static final List<String> BALANCE_MODES = List.of("none", "weights", "oversample", "focal");
  public static final List<String> TRAINING_MASTERS = List.of("parameter-averaging", "shared-gradients");

  /** The {@code fer.train.spark.*} settings. */
  public record Spark(String trainingMaster, int batchSizePerWorker, int averagingFrequency, int prefetchBatches,
      double sharedThreshold, int sharedPort, String sharedNetworkMask, boolean splitOmpThreads, int workers,
      String epochStorageLevel, boolean collectStats) implements Serializable {}

  /** The Spark storage levels {@code fer.train.spark.epoch-storage-level} accepts ({@code StorageLevel.fromString}). */
  public static final List<String> STORAGE_LEVELS = List.of("MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK",
      "MEMORY_AND_DISK_SER", "DISK_ONLY");

  /** Binds and validates; {@code config} is the fully merged configuration (see {@link FerConfig}). */
  public static TrainSettings from(Config config) {
    try {
      Config t = config.getConfig("fer.train");
      String arch = t.getString("arch").trim();
      check(Architectures.names().contains(arch), "fer.train.arch",
          "must be one of " + Architectures.names() + ", got '" + arch + "'");
      double width = t.getDouble("width");
      check(width >= 0.25 && width <= 8, "fer.train.width", "must be in [0.25, 8], got " + width);
      check(width == 1 || arch.equals("vgg-bn"), "fer.train.width", "widens vgg-bn only (" + arch
          + " has fixed channel counts): must be 1, got " + width);
      int epochs = t.getInt("epochs");
      check(epochs >= 1 && epochs <= 10_000, "fer.train.epochs", "must be in 1..10000, got " + epochs);
      int batch = t.getInt("batch");
      check(batch >= 1 && batch <= 65_536, "fer.train.batch", "must be in 1..65536, got " + batch);
      double lr = t.getDouble("learning-rate");
      check(lr > 0 && lr < 10, "fer.train.learning-rate", "must be in (0, 10), got " + lr);
      String optimizer = lower(t.getString("optimizer"));
      check(OPTIMIZERS.contains(optimizer), "fer.train.optimizer", "must be one of " + OPTIMIZERS + ", got '"
          + optimizer + "'");
      double momentum = t.getDouble("momentum");
      check(momentum >= 0 && momentum < 1, "fer.train.momentum", "must be in [0, 1), got " + momentum);
      String schedule = lower(t.getString("lr-schedule"));
      check(SCHEDULES.contains(schedule), "fer.train.lr-schedule", "must be one of " + SCHEDULES + ", got '"
          + schedule + "'");
      int stepEvery = t.getInt("lr-step.every");
      check(stepEvery >= 1, "fer.train.lr-step.every", "must be >= 1, got " + stepEvery);
      double stepFactor = t.getDouble("lr-step.factor");
      check(stepFactor > 0 && stepFactor <= 1, "fer.train.lr-step.factor", "must be in (0, 1], got " + stepFactor);
      double warmup = t.getDouble("lr-warmup-fraction");
      check(warmup >= 0 && warmup < 1, "fer.train.lr-warmup-fraction", "must be in [0, 1), got " + warmup);
      double weightDecay = t.getDouble("weight-decay");
      check(weightDecay >= 0 && weightDecay < 1, "fer.train.weight-decay", "must be in [0, 1), got " + weightDecay);
      double smoothing = t.getDouble("label-smoothing");
      check(smoothing >= 0 && smoothing < 1, "fer.train.label-smoothing", "must be in [0, 1), got " + smoothing);
      Double dropout = t.getIsNull("dropout") ? null : t.getDouble("dropout");
      check(dropout == null || (dropout >= 0 && dropout < 1), "fer.train.dropout",
          "must be null or in [0, 1), got " + dropout);
      String balance = lower(t.getString("balance"));
      check(BALANCE_MODES.contains(balance), "fer.train.balance", "must be one of " + BALANCE_MODES + ", got '"
          + balance + "'");
      double power = t.getDouble("class-weight-power");
      check(power > 0 && power <= 1, "fer.train.class-weight-power", "must be in (0, 1], got " + power);
      Map<String, Double> boost = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : t.getObject("class-weight-boost").entrySet()) {
        String key = "fer.train.class-weight-boost." + e.getKey();
        check(e.getValue().valueType() == ConfigValueType.NUMBER, key, "must be a number, got "
            + e.getValue().render(ConfigRenderOptions.concise()));
        double b = ((Number) e.getValue().unwrapped()).doubleValue();
        check(b > 0 && b <= 100, key, "must be in (0, 100], got " + b);
        boost.put(e.getKey(), b);
      }
      check(boost.isEmpty() || balance.equals("weights"), "fer.train.class-weight-boost",
          "multiplies the class weights of balance = weights; balance is '" + balance + "'");
      double gamma = t.getDouble("focal-gamma");
      check(gamma >= 0 && gamma <= 10, "fer.train.focal-gamma", "must be in [0, 10], got " + gamma);
      int patience = t.getInt("early-stopping.patience");
      check(patience >= 0, "fer.train.early-stopping.patience", "must be >= 0, got " + patience);
      double minDelta = t.getDouble("early-stopping.min-delta");
      check(minDelta >= 0, "fer.train.early-stopping.min-delta", "must be >= 0, got " + minDelta);
      int evalSamples = t.getInt("train-eval-samples");
      check(evalSamples >= -1, "fer.train.train-eval-samples", "must be -1 (all), 0 (skip) or positive, got "
          + evalSamples);
      int keepLast = t.getInt("checkpoints.keep-last");
      check(keepLast >= 1, "fer.train.checkpoints.keep-last", "must be >= 1 (resume needs the last one), got "
          + keepLast);
      int size = config.getInt("fer.image.size");
      check(size >= 16 && size <= 1024, "fer.image.size", "must be in 16..1024, got " + size);
      Spark spark = spark(t.getConfig("spark"), batch);
      int replicas = t.getInt("local-replicas");
      check(replicas >= 0 && replicas <= 64, "fer.train.local-replicas", "must be in 0..64 (0 = auto), got "
          + replicas);
      String json = t.root().render(ConfigRenderOptions.concise());
      return new TrainSettings(arch, width, epochs, batch, lr, optimizer, momentum, schedule, stepEvery, stepFactor,
          warmup, weightDecay, smoothing, dropout, balance, power, boost, gamma, patience, minDelta, t.getBoolean("online-augmentation"),
          AugmentParams.fromConfig(config), evalSamples, keepLast, t.getLong("seed"), size,
          t.getBoolean("fast-batch-norm"), replicas, t.getBoolean("calibrate"), spark, json);
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
  }

  private static Spark spark(Config s, int batch) {
    String master = lower(s.getString("training-master"));
    check(TRAINING_MASTERS.contains(master), "fer.train.spark.training-master", "must be one of "
        + TRAINING_MASTERS + ", got '" + master + "'");
    int perWorker = s.getInt("batch-size-per-worker");
    check(perWorker >= 0, "fer.train.spark.batch-size-per-worker", "must be >= 0 (0 = fer.train.batch), got "
        + perWorker);
    int frequency = s.getInt("averaging-frequency");
    check(frequency >= 1, "fer.train.spark.averaging-frequency", "must be >= 1, got " + frequency);
    int prefetch = s.getInt("prefetch-batches");
    check(prefetch >= 0, "fer.train.spark.prefetch-batches", "must be >= 0, got " + prefetch);
    double threshold = s.getDouble("shared.threshold");
    check(threshold > 0, "fer.train.spark.shared.threshold", "must be > 0, got " + threshold);
    int workers = s.getInt("workers");
    check(workers >= 0, "fer.train.spark.workers", "must be >= 0 (0 = Spark's default parallelism), got " + workers);
    int port = s.getInt("shared.port");
    check(port > 0 && port < 65_536, "fer.train.spark.shared.port", "must be a port number, got " + port);
    String storage = s.getString("epoch-storage-level").trim().toUpperCase(java.util.Locale.ROOT);
    check(STORAGE_LEVELS.contains(storage), "fer.train.spark.epoch-storage-level", "must be one of "
        + STORAGE_LEVELS + ", got '" + storage + "'");
    return new Spark(master, perWorker == 0 ? batch : perWorker, frequency, prefetch, threshold, port,
        s.getString("shared.network-mask").trim(), s.getBoolean("split-omp-threads"), workers, storage,
        s.getBoolean("collect-stats"));
  }

  /** The settings as a flat map for model metadata and history ({@code trainingConfig}). */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arch", arch);
    m.put("width", width);
    m.put("epochs", epochs);
    m.put("batch", batch);
    m.put("learningRate", learningRate);
    m.put("optimizer", optimizer);
    m.put("momentum", momentum);
    m.put("lrSchedule", lrSchedule);
    m.put("lrStepEvery", lrStepEvery);
    m.put("lrStepFactor", lrStepFactor);
    m.put("lrWarmupFraction", lrWarmupFraction);
    m.put("weightDecay", weightDecay);
    m.put("labelSmoothing", labelSmoothing);
    m.put("dropout", dropout);
    m.put("balance", balance);
    m.put("classWeightPower", classWeightPower);
    m.put("classWeightBoost", classWeightBoost);
    m.put("focalGamma", focalGamma);
    m.put("patience", patience);
    m.put("minDelta", minDelta);
    m.put("onlineAugmentation", onlineAugmentation);
    m.put("seed", seed);
    m.put("imageSize", imageSize);
    m.put("fastBatchNorm", fastBatchNorm);
    m.put("localReplicas", localReplicas);
    m.put("calibrate", calibrate);
    m.put("sparkTrainingMaster", spark.trainingMaster());
    m.put("sparkBatchSizePerWorker", spark.batchSizePerWorker());
    m.put("sparkAveragingFrequency", spark.averagingFrequency());
    return m;
  }

  private static String lower(String s) {
    return s.trim().toLowerCase(Locale.ROOT);
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) {
      throw new FerConfig.ConfigError(key + " " + message);
    }
  }
}
