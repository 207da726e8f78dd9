package org.ferspark.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.ferspark.model.net.FastBatchNorm;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training step of a {@link ComputationGraph} split over {@code R} replicas in this JVM, one thread and one
 * OpenMP thread each, that compute what the graph computes on the whole minibatch: every replica shares the graph's
 * parameter array, takes a contiguous slice of the minibatch, and runs its forward and backward pass at the same time
 * as the others; batch-norm statistics are those of the whole minibatch ({@link FastBatchNorm#synchronize}); the
 * slices' summed gradients then go through the graph's own updater once, with the minibatch's size. So a step is
 * DL4J's {@code net.fit(minibatch)} up to float rounding (the order of the sums), dropout masks aside
 * ({@code DataParallelStepTest}).
 *
 * <p>Why: on two cores a vgg-bn step with two OpenMP threads runs 1.5x faster than with one, a step of half the
 * minibatch per core in parallel close to 2x (issue 12, bench/RESULTS.md): the convolutions, their layout reorders
 * and everything DL4J does around them scale better across replicas than across the threads of one parallel
 * region.
 *
 * <p>The graph itself is replica 0 and runs in the calling thread: its {@code fit} does the update, the iteration
 * count, the schedules and the workspaces as always; a {@link BaseTrainingListener#onGradientCalculation} hook waits
 * there for the other replicas and adds their gradients into the graph's before the updater sees them. Parameters
 * the updater does not divide by the minibatch size (batch-norm running statistics, already final updates) keep
 * replica 0's value, which with synchronised statistics every replica computed alike.
 */
public final class DataParallelStep implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataParallelStep.class);

  private final ComputationGraph main;
  private final List<ComputationGraph> replicas = new ArrayList<>();
  private final List<ExecutorService> threads = new ArrayList<>();
  private final FastBatchNorm.SyncSet sync;
  private final List<String> undivided = new ArrayList<>();
  private final Merge merge = new Merge();
  private final int mainThreads;
  private long steps;
  private long stepNanos;
  private long mergeWaitNanos;
  private long waitedAtStart;

  /**
   * @param net the graph to train (replica 0), its batch-norm layers (if any) with {@link FastBatchNorm} installed
   * @param count replicas, at least 2
   * @throws IllegalArgumentException if {@code count < 2} or a batch-norm layer has no {@code FastBatchNorm}
   */
  public DataParallelStep(ComputationGraph net, int count) {
    if (count < 2) {
      throw new IllegalArgumentException("a data-parallel step needs at least 2 replicas, got " + count);
    }
    if (!FastBatchNorm.installedOn(net)) {
      throw new IllegalArgumentException("a data-parallel step needs FastBatchNorm on every batch-norm layer "
          + "(fer.train.fast-batch-norm = true) for the whole minibatch's statistics");
    }
    this.main = net;
    replicas.add(net);
    for (int r = 1; r < count; r++) {
      ComputationGraph replica = new ComputationGraph(net.getConfiguration().clone());
      // the same parameter array (no copy): the graph's update is every replica's
      replica.init(net.params(), false);
      FastBatchNorm.install(replica);
      replicas.add(replica);
      int index = r;
      threads.add(Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "fer-train-replica-" + index);
        t.setDaemon(true);
        return t;
      }));
    }
    this.sync = FastBatchNorm.synchronize(replicas);
    for (Layer layer : net.getLayers()) {
      String name = layer.conf().getLayer().getLayerName();
      for (String param : layer.paramTable().keySet()) {
        if (!layer.updaterDivideByMinibatch(param)) {
          undivided.add(name + "_" + param);
        }
      }
    }
    this.mainThreads = Nd4j.getEnvironment().maxThreads();
    // one OpenMP thread per replica thread (a per-thread setting), the calling thread's only while an epoch runs
    for (ExecutorService t : threads) {
      await(t.submit(() -> NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1)));
    }
    net.addListeners(merge);
    LOG.info("data-parallel training: {} replicas in this JVM, one thread each, minibatch split between them",
        count);
  }

  /** Whether this step trains {@code net}. */
  public boolean trains(ComputationGraph net) {
    return net == main;
  }

  /** The replicas, the graph first. */
  public int replicas() {
    return replicas.size();
  }

  /** Before an epoch (in the training thread): seeds each replica thread's dropout RNG, one OpenMP thread here. */
  public void startEpoch(long seed) {
    steps = 0;
    stepNanos = 0;
    mergeWaitNanos = 0;
    waitedAtStart = sync.waitedNanos();
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    for (int r = 1; r < replicas.size(); r++) {
      long s = seed * 31 + r;
      await(threads.get(r - 1).submit(() -> Nd4j.getRandom().setSeed(s)));
    }
  }

  /** After an epoch: the training thread's OpenMP threads back to the JVM's (validation runs on all cores). */
  public void endEpoch() {
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(mainThreads);
    if (steps > 0) {
      LOG.info(String.format(java.util.Locale.ROOT, "data-parallel epoch: %d steps, %.1f s in them; the graph waited "
          + "%.1f s for the other replicas' gradients, the replicas %.1f s (summed) for each other at the batch norms",
          steps, stepNanos / 1e9, mergeWaitNanos / 1e9, (sync.waitedNanos() - waitedAtStart) / 1e9));
    }
  }

  /**
   * Fits one minibatch; returns its data loss (mean over the examples, without the regularisation term), as
   * {@code net.score() - net.calcRegularizationScore(true)} after {@code net.fit(ds)}. A minibatch smaller than the
   * replicas is fitted by the graph alone.
   */
  public double fit(DataSet ds) {
    int n = ds.numExamples();
    int count = replicas.size();
    if (n < count) {
      sync.enable(false);
      main.fit(ds);
      return main.score() - main.calcRegularizationScore(true);
    }
    long t0 = System.nanoTime();
    INDArray[] features = new INDArray[count];
    INDArray[] labels = new INDArray[count];
    int[] sizes = new int[count];
    for (int r = 0, from = 0; r < count; r++) {
      sizes[r] = n / count + (r < n % count ? 1 : 0);
      features[r] = slice(ds.getFeatures(), from, sizes[r]);
      labels[r] = slice(ds.getLabels(), from, sizes[r]);
      from += sizes[r];
    }
    sync.enable(true);
    List<Future<Double>> scores = new ArrayList<>();
    for (int r = 1; r < count; r++) {
      ComputationGraph replica = replicas.get(r);
      INDArray f = features[r];
      INDArray l = labels[r];
      replica.getConfiguration().setIterationCount(main.getConfiguration().getIterationCount());
      replica.getConfiguration().setEpochCount(main.getConfiguration().getEpochCount());
      scores.add(threads.get(r - 1).submit(() -> {
        try {
          replica.setInputs(f);
          replica.setLabels(l);
          replica.computeGradientAndScore();
          return replica.score();
        } catch (RuntimeException | Error e) {
          sync.breakAll();
          throw e;
        } finally {
          replica.clearLayersStates();
        }
      }));
    }
    merge.expect(scores, sizes[0], n);
    try {
      main.fit(new DataSet(features[0], labels[0]));
    } catch (RuntimeException | Error e) {
      sync.breakAll();
      Throwable replicaFailure = null;
      for (Future<Double> s : scores) {
        try {
          s.get();
        } catch (ExecutionException failed) {
          if (replicaFailure == null && !FastBatchNorm.isBrokenSync(failed.getCause())) {
            replicaFailure = failed.getCause();
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      if (replicaFailure != null && FastBatchNorm.isBrokenSync(e)) {
        // the graph only waited at a barrier another replica broke: that replica's failure is the cause
        throw new IllegalStateException("data-parallel replica failed: " + replicaFailure, replicaFailure);
      }
      throw e;
    } finally {
      sync.enable(false);
    }
    double reg = main.calcRegularizationScore(true);
    double loss = (main.score() - reg) * sizes[0];
    for (int r = 1; r < count; r++) {
      loss += (merge.replicaScores[r - 1] - reg) * sizes[r];
    }
    steps++;
    stepNanos += System.nanoTime() - t0;
    return loss / n;
  }

  private static INDArray slice(INDArray a, int from, int size) {
    return a.get(NDArrayIndex.interval(from, from + size)).dup('c');
  }

  @Override
  public void close() {
    List<org.deeplearning4j.optimize.api.TrainingListener> listeners = new ArrayList<>(main.getListeners());
    listeners.remove(merge);
    main.setListeners(listeners);
    FastBatchNorm.unsynchronize(main);
    for (ExecutorService t : threads) {
      t.shutdownNow();
    }
    endEpoch();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("data-parallel replica failed: " + e.getCause(), e.getCause());
    }
  }

  /** In the graph's {@code fit}, between its gradient and its update: adds the other replicas' gradients. */
  private final class Merge extends BaseTrainingListener {
    private List<Future<Double>> pending;
    private int mainSize;
    private int total;
    private double[] replicaScores = new double[0];

    void expect(List<Future<Double>> scores, int mainSize, int total) {
      this.pending = scores;
      this.mainSize = mainSize;
      this.total = total;
    }

    @Override
    public void onGradientCalculation(Model model) {
      if (pending == null) {
        return;
      }
      List<Future<Double>> scores = pending;
      pending = null;
      replicaScores = new double[scores.size()];
      long t0 = System.nanoTime();
      for (int i = 0; i < scores.size(); i++) {
        replicaScores[i] = await(scores.get(i));
      }
      mergeWaitNanos += System.nanoTime() - t0;
      Gradient g = main.gradient();
      INDArray[] keep = new INDArray[undivided.size()];
      for (int i = 0; i < keep.length; i++) {
        // null for a frozen layer's parameters (fine-tuning): no gradient, nothing to keep
        INDArray v = g.getGradientFor(undivided.get(i));
        keep[i] = v == null ? null : v.dup();
      }
      INDArray flat = main.getGradientsViewArray();
      for (int r = 1; r < replicas.size(); r++) {
        flat.addi(replicas.get(r).getGradientsViewArray());
      }
      // the updater divides by the graph's own slice size; the sum is over the whole minibatch
      flat.muli((double) mainSize / total);
      for (int i = 0; i < keep.length; i++) {
        if (keep[i] != null) {
          g.getGradientFor(undivided.get(i)).assign(keep[i]);
        }
      }
    }
  }
}
