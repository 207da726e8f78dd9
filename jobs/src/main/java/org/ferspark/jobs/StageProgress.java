package org.ferspark.jobs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.util.AccumulatorV2;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Progress of a long Spark job on the driver, for users watching preprocessing, evaluation or video analytics: per
 * running stage, the tasks (partitions) done, the records its finished tasks read, their rate and the stage's ETA
 * (elapsed × tasks left / tasks done; running tasks' records come with the executors' heartbeats), e.g.
 * {@code fer-evaluate: stage 3 (mapPartitions at EvaluationPipeline.java:141): 37 of 120 tasks (30.8 %), 9,210
 * records read, 1,250 records/s, ETA 0:00:42}.
 *
 * <p>A stage logs at most once per interval and only once it has run for an interval, so short stages stay silent;
 * a stage that logged progress also logs its end. Training has its own, finer progress ({@code TrainingProgress}).
 */
public final class StageProgress extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StageProgress.class);
  /** Least time between two lines of one stage, and the time a stage runs before its first line. */
  public static final double INTERVAL_SECONDS = 10;

  private static final String READ = "internal.metrics.input.recordsRead";
  private static final String SHUFFLE_READ = "internal.metrics.shuffle.read.recordsRead";
  private final String job;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Consumer<String> out;
  private final Map<String, Stage> stages = new HashMap<>();
  private SparkContext attached;

  private static final class Stage {
    final int id;
    final String name;
    final int tasks;
    final long startNanos;
    long lastLogNanos;
    boolean logged;
    int done;
    long records;
    /** Records read so far by running tasks, from the executors' heartbeats. */
    final Map<Long, Long> running = new HashMap<>();
    /** Ids of the stage's records-read accumulators (input and shuffle). */
    final Set<Long> readAccumulators = new HashSet<>();

    long recordsSoFar() {
      return records + running.values().stream().mapToLong(Long::longValue).sum();
    }

    Stage(int id, String name, int tasks, long startNanos) {
      this.id = id;
      this.name = name;
      this.tasks = tasks;
      this.startNanos = startNanos;
      this.lastLogNanos = startNanos;
    }
  }

  /**
   * @param job the job's name, the lines' prefix (e.g. {@code fer-preprocess})
   * @param intervalSeconds least time between two lines of one stage
   * @param clock nanosecond clock ({@link System#nanoTime} outside tests)
   * @param out where the lines go (the log outside tests)
   */
  public StageProgress(String job, double intervalSeconds, LongSupplier clock, Consumer<String> out) {
    this.job = job;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
    this.clock = clock;
    this.out = out;
  }

  /** Follows {@code sc}'s stages until {@link #close()}, logging every {@link #INTERVAL_SECONDS} seconds. */
  public static StageProgress follow(SparkContext sc, String job) {
    return new StageProgress(job, INTERVAL_SECONDS, System::nanoTime, LOG::info).attach(sc);
  }

  /** Follows {@code sc}'s stages until {@link #close()}. */
  public StageProgress attach(SparkContext sc) {
    close();
    attached = sc;
    sc.addSparkListener(this);
    return this;
  }

  /** Stops following (a job run twice in one session, as in tests, must not log twice). */
  @Override
  public void close() {
    if (attached != null) {
      attached.removeSparkListener(this);
      attached = null;
    }
  }

  private static String key(StageInfo s) {
    return s.stageId() + "." + s.attemptNumber();
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted e) {
    StageInfo s = e.stageInfo();
    Stage stage = new Stage(s.stageId(), s.name(), s.numTasks(), clock.getAsLong());
    if (s.taskMetrics() != null) {
      // heartbeats name no accumulator, so the stage's record counters are known by id
      for (AccumulatorV2<?, ?> a : JavaConverters.seqAsJavaList(s.taskMetrics().accumulators())) {
        String name = a.name().isDefined() ? a.name().get() : "";
        if (name.equals(READ) || name.equals(SHUFFLE_READ)) {
          stage.readAccumulators.add(a.id());
        }
      }
    }
    stages.put(key(s), stage);
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    Stage s = stages.get(e.stageId() + "." + e.stageAttemptId());
    if (s == null || e.taskInfo() == null || !e.taskInfo().successful()) {
      return;
    }
    s.done++;
    s.running.remove(e.taskInfo().taskId());
    TaskMetrics m = e.taskMetrics();
    if (m != null) {
      s.records += m.inputMetrics().recordsRead() + m.shuffleReadMetrics().recordsRead();
    }
    long now = clock.getAsLong();
    if (now - s.lastLogNanos >= intervalNanos && s.done < s.tasks) {
      s.lastLogNanos = now;
      s.logged = true;
      out.accept(line(s, now));
    }
  }

  /** Executors' heartbeats carry running tasks' metrics: a stage of few long tasks still shows its records. */
  @Override
  public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
    boolean updated = false;
    for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t
        : JavaConverters.seqAsJavaList(e.accumUpdates())) {
      Stage s = stages.get(t._2() + "." + t._3());
      if (s == null) {
        continue;
      }
      long read = 0;
      for (AccumulableInfo a : JavaConverters.seqAsJavaList(t._4())) {
        if (s.readAccumulators.contains(a.id()) && a.update().isDefined() && a.update().get() instanceof Number n) {
          read += n.longValue();
        }
      }
      s.running.put((Long) t._1(), read);
      updated = true;
    }
    if (updated) {
      long now = clock.getAsLong();
      for (Stage s : stages.values()) {
        if (now - s.lastLogNanos >= intervalNanos && s.recordsSoFar() > 0) {
          s.lastLogNanos = now;
          s.logged = true;
          out.accept(line(s, now));
        }
      }
    }
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    Stage s = stages.remove(key(e.stageInfo()));
    if (s != null && s.logged) {
      double seconds = (clock.getAsLong() - s.startNanos) / 1e9;
      String how = e.stageInfo().failureReason().isDefined() ? "failed" : "done";
      out.accept(String.format(Locale.ROOT, "%s: stage %d (%s) %s: %d of %d tasks, %,d records read in %s",
          job, s.id, s.name, how, s.done, s.tasks, s.records, clockTime(seconds)));
    }
  }

  private String line(Stage s, long now) {
    double seconds = (now - s.startNanos) / 1e9;
    long records = s.recordsSoFar();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: stage %d (%s): %d of %d tasks (%.1f %%)",
        job, s.id, s.name, s.done, s.tasks, 100.0 * s.done / Math.max(1, s.tasks)));
    if (records > 0) {
      b.append(String.format(Locale.ROOT, ", %,d records read, %,.0f records/s", records, records / seconds));
    }
    b.append(s.done == 0 ? ", ETA after the first task" : ", ETA " + clockTime(seconds * (s.tasks - s.done) / s.done));
    return b.toString();
  }

  /** {@code h:mm:ss}. */
  static String clockTime(double seconds) {
    long t = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  }
}
