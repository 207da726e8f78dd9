package org.ferspark.model.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.FocalLoss;
import org.ferspark.preprocessing.config.FerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Builds the network a {@link TrainSettings} asks for: architecture, optimiser with its per-epoch learning-rate
 * schedule, dropout, weight decay and the loss that {@code balance} implies. The one network factory of the
 * single-JVM and Spark paths.
 */
public final class NetworkFactory {
  private NetworkFactory() {
  }

  /** A new, initialised network for the classes {@code labels} with {@code trainCounts} images per class. */
  public static ComputationGraph build(TrainSettings s, List<String> labels, long[] trainCounts) {
    ArchitectureOptions o = ArchitectureOptions.defaults(labels.size())
        .withInputSize(s.imageSize())
        .withSeed(s.seed())
        .withUpdater(updater(s))
        .withRegularisation(0, s.weightDecay())
        .withDropout(s.dropout())
        .withLoss(loss(s, labels, trainCounts))
        .withWidth(s.width());
    return Architectures.build(s.arch(), o);
  }

  /**
   * The output loss: cross-entropy, class-weighted cross-entropy or focal loss; {@code labels} (the output order)
   * name the classes of {@code fer.train.class-weight-boost}.
   */
  public static ILossFunction loss(TrainSettings s, List<String> labels, long[] trainCounts) {
    return switch (s.balance()) {
      case "weights" -> new LossMCXENT(Nd4j.createFromArray(ClassWeights.fromCounts(trainCounts,
          s.classWeightPower(), boosts(s, labels))).castTo(DataType.FLOAT));
      case "focal" -> new FocalLoss(s.focalGamma());
      default -> new LossMCXENT();
    };
  }

  private static double[] boosts(TrainSettings s, List<String> labels) {
    double[] boost = new double[labels.size()];
    Arrays.fill(boost, 1.0);
    for (Map.Entry<String, Double> e : s.classWeightBoost().entrySet()) {
      int c = labels.indexOf(e.getKey());
      if (c < 0) {
        throw new FerConfig.ConfigError("fer.train.class-weight-boost: no class '" + e.getKey()
            + "' in the training data (classes: " + labels + ")");
      }
      boost[c] = e.getValue();
    }
    return boost;
  }

  /** Adam or SGD with Nesterov momentum on the configured schedule. */
  public static IUpdater updater(TrainSettings s) {
    ISchedule schedule = schedule(s);
    return switch (s.optimizer()) {
      case "sgd-nesterov" -> new Nesterovs(schedule, s.momentum());
      default -> new Adam(schedule);
    };
  }

  /**
   * The learning rate per epoch (DL4J counts epochs from 0; {@link TrainingLoop} sets the network's epoch count
   * before each epoch, on the single-JVM and the Spark path alike).
   */
  static ISchedule schedule(TrainSettings s) {
    return switch (s.lrSchedule()) {
      case "step" -> new StepSchedule(ScheduleType.EPOCH, s.learningRate(), s.lrStepFactor(), s.lrStepEvery());
      case "cosine" -> {
        // A HashMap, not Map.of or LinkedHashMap: MapSchedule is broadcast to Spark executors with Kryo, which cannot
        // rebuild an immutable map (UnsupportedOperationException on put) -- jobs BroadcastSerializationTest.
        Map<Integer, Double> lr = new HashMap<>();
        for (int e = 0; e < s.epochs(); e++) {
          lr.put(e, s.learningRate() * (1 + Math.cos(Math.PI * e / s.epochs())) / 2);
        }
        yield new MapSchedule(ScheduleType.EPOCH, lr);
      }
      case "one-cycle" -> {
        Map<Integer, Double> lr = new HashMap<>();
        for (int e = 0; e < s.epochs(); e++) {
          lr.put(e, oneCycle(s.learningRate(), s.lrWarmupFraction(), s.epochs(), e));
        }
        yield new MapSchedule(ScheduleType.EPOCH, lr);
      }
      default -> new MapSchedule(ScheduleType.EPOCH, mutableMap(0, s.learningRate()));
    };
  }

  /**
   * PyTorch's {@code OneCycleLR} (initial lr = max / 25, final = initial / 1e4, linear warm-up, cosine annealing) at
   * epoch granularity: epochs {@code 0 .. w} rise linearly from {@code max / 25} to {@code max}, where
   * {@code w = min(round(warmupFraction * epochs), epochs - 1)}, and the rest fall on a half cosine to {@code max / 250000} at the last
   * epoch. With {@code w = 0} it is a cosine from {@code max} to the final rate.
   */
  static double oneCycle(double max, double warmupFraction, int epochs, int epoch) {
    double initial = max / 25;
    double last = initial / 1e4;
    int warmup = (int) Math.min(Math.round(warmupFraction * epochs), epochs - 1);
    if (epoch < warmup) {
      return initial + (max - initial) * epoch / warmup;
    }
    int span = epochs - 1 - warmup;
    if (span <= 0) {
      return max;
    }
    return last + (max - last) * (1 + Math.cos(Math.PI * (epoch - warmup) / span)) / 2;
  }

  private static Map<Integer, Double> mutableMap(int epoch, double value) {
    Map<Integer, Double> m = new HashMap<>();
    m.put(epoch, value);
    return m;
  }
}
