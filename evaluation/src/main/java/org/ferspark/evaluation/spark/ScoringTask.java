package org.ferspark.evaluation.spark;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.TaskCompletionListener;
import org.ferspark.evaluation.images.InputStats;
import org.ferspark.evaluation.metrics.EvaluationAccumulator;
import org.ferspark.evaluation.predict.BatchScorer;
import org.ferspark.evaluation.predict.FaceViews;
import org.ferspark.evaluation.predict.ModelSpec;
import org.ferspark.evaluation.predict.Predictor;
import org.ferspark.evaluation.predict.PredictorCache;
import org.ferspark.evaluation.predict.PreparedModel;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * The executor side shared by both evaluations (tensors and photo folders): a partition's rows become faces
 * ({@link Feed}, per subclass), every model scores them in batches ({@link BatchScorer}, predictors from the
 * executor's {@link PredictorCache}: calibrated with each model's temperature, the uncalibrated T = 1 scores counted
 * beside), and the partition yields, lazily, one {@link Scored} per face and model when per-face predictions are
 * asked for (the calibrated probabilities, and the label after {@code fer.min-confidence}), then one last
 * {@link Scored} with the partition's mergeable totals. Only those totals (and the prediction rows, written by the
 * executors) leave the partition.
 */
abstract class ScoringTask implements FlatMapFunction<Iterator<Row>, ScoringTask.Scored> {
  private static final long serialVersionUID = 1L;
  private final List<ModelSpec> specs;
  private final List<String> keys;
  private final List<Broadcast<byte[]>> bytes;
  private final List<String> names;
  final List<String> labels;
  private final FaceViews.Tta tta;
  private final int batch;
  final int side;
  private final int samplesPerCell;
  private final int failuresPerClass;
  private final double minConfidence;
  private final boolean predictions;

  ScoringTask(Models models, List<String> labels, FaceViews.Tta tta, int batch, int side, int samplesPerCell,
      int failuresPerClass, double minConfidence, boolean predictions) {
    this.specs = List.copyOf(models.specs);
    this.keys = List.copyOf(models.keys);
    this.bytes = List.copyOf(models.bytes);
    this.names = List.copyOf(models.names);
    this.labels = List.copyOf(labels);
    this.tta = tta;
    this.batch = batch;
    this.side = side;
    this.samplesPerCell = samplesPerCell;
    this.failuresPerClass = failuresPerClass;
    this.minConfidence = minConfidence;
    this.predictions = predictions;
  }

  /** One element of a partition's output: a prediction row, or (last) the partition's totals. A plain class for Kryo. */
  static final class Scored implements Serializable {
    private static final long serialVersionUID = 1L;
    Row prediction;
    EvaluationAccumulator total;
    InputStats inputs;

    Scored merge(Scored other) {
      total.merge(other.total);
      if (inputs != null) {
        inputs.merge(other.inputs);
      }
      return this;
    }
  }

  /** What one partition's rows become: faces added to the scorer, and (photo folders) the input statuses. */
  interface Feed extends AutoCloseable {
    void add(Row row, BatchScorer scorer);

    /** The statuses of the partition's inputs, or null for tensors. */
    InputStats stats();

    @Override
    void close();
  }

  /** The per-partition state; called on the executor. */
  abstract Feed open();

  /** The broadcast models of a run, in model order. */
  static final class Models implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<ModelSpec> specs = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    final List<Broadcast<byte[]>> bytes = new ArrayList<>();
    final List<String> names = new ArrayList<>();

    static Models broadcast(SparkSession spark, List<PreparedModel> prepared) {
      Models m = new Models();
      for (PreparedModel p : prepared) {
        m.bytes.add(JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(p.bytes()));
        m.specs.add(p.spec());
        m.keys.add(p.key());
        m.names.add(p.spec().name());
      }
      return m;
    }

    void destroy() {
      bytes.forEach(b -> b.destroy());
    }
  }

  @Override
  public Iterator<Scored> call(Iterator<Row> rows) {
    FaceNormalizer.singleThreaded();
    List<Predictor> predictors = new ArrayList<>();
    Feed feed = null;
    try {
      for (int m = 0; m < specs.size(); m++) {
        int k = m;
        predictors.add(PredictorCache.borrow(keys.get(m),
            () -> Predictor.load(specs.get(k), bytes.get(k).value(), labels)));
      }
      feed = open();
    } catch (RuntimeException e) {
      release(predictors, feed);
      throw e;
    }
    ArrayDeque<Row> queue = new ArrayDeque<>();
    BatchScorer scorer = new BatchScorer(predictors, tta, batch, side, labels.size(), samplesPerCell,
        failuresPerClass, minConfidence);
    if (predictions) {
      scorer.withSink((id, source, box, label, p) -> {
        for (int m = 0; m < p.length; m++) {
          queue.add(Predictions.row(id, source, box, label, p[m], names.get(m), labels, minConfidence));
        }
      });
    }
    Feed opened = feed;
    Runnable done = new Runnable() {
      private boolean released;

      @Override
      public void run() {
        if (!released) {
          released = true;
          release(predictors, opened);
        }
      }
    };
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> done.run());
    }
    return new Iterator<>() {
      private Scored last;
      private boolean finished;

      @Override
      public boolean hasNext() {
        while (queue.isEmpty() && !finished) {
          if (rows.hasNext()) {
            opened.add(rows.next(), scorer);
          } else {
            last = new Scored();
            last.total = scorer.finish();
            last.inputs = opened.stats();
            finished = true;
            done.run();
          }
        }
        return !queue.isEmpty() || last != null;
      }

      @Override
      public Scored next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Scored s;
        if (!queue.isEmpty()) {
          s = new Scored();
          s.prediction = queue.poll();
        } else {
          s = last;
          last = null;
        }
        return s;
      }
    };
  }

  private void release(List<Predictor> predictors, Feed feed) {
    for (int m = 0; m < predictors.size(); m++) {
      PredictorCache.release(keys.get(m), predictors.get(m));
    }
    if (feed != null) {
      feed.close();
    }
  }

  /**
   * Runs {@code task} over {@code rows} and merges the partitions' totals; with {@code predictionsTarget}, also
   * writes the prediction rows there (the scored partitions are kept for that second pass, so nothing is scored
   * twice).
   */
  static Scored run(SparkSession spark, JavaRDD<Row> rows, ScoringTask task, String predictionsTarget,
      boolean replace) {
    JavaRDD<Scored> out = rows.mapPartitions(task);
    if (predictionsTarget != null) {
      out = out.persist(StorageLevel.MEMORY_AND_DISK());
    }
    try {
      Scored total = out.filter(s -> s.total != null).treeReduce(Scored::merge);
      if (predictionsTarget != null) {
        Predictions.write(spark, out.filter(s -> s.prediction != null).map(s -> s.prediction), task.labels,
            predictionsTarget, replace);
      }
      return total;
    } finally {
      if (predictionsTarget != null) {
        out.unpersist(false);
      }
    }
  }
}
