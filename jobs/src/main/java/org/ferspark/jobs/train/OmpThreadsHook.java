package org.ferspark.jobs.train;

import org.apache.spark.SparkConf;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each training task its share of the executor's OpenMP threads. ND4J sizes its OpenMP pool per JVM (all
 * cores, or {@code OMP_NUM_THREADS}), while DL4J-Spark fits one network per concurrent task in that JVM, so with
 * {@code local[2]} on two cores, or four tasks in an executor of a four-core host, every task starts a parallel
 * region as wide as the whole host: twice or four times as many spinning threads as cores. OpenMP's thread count
 * is a per-thread setting ({@code omp_set_num_threads} in the calling thread), so setting it in the task's own
 * thread before its first minibatch limits that task only; the driver's validation pass keeps all threads.
 */
final class OmpThreadsHook implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(OmpThreadsHook.class);
  private static final ThreadLocal<Boolean> SET = ThreadLocal.withInitial(() -> false);

  private final int concurrentTasks;

  /** {@code concurrentTasks}: training tasks that run at once in one executor JVM. */
  OmpThreadsHook(int concurrentTasks) {
    this.concurrentTasks = concurrentTasks;
  }

  /**
   * Tasks running at once in one executor JVM, from the Spark configuration: {@code local[N]} → N ({@code local[*]}
   * → this host's cores), else {@code spark.executor.cores / spark.task.cpus}; 0 when the configuration does not
   * say (e.g. a standalone executor that takes all of its worker's cores, where one task per core and one OpenMP
   * thread per core already match).
   */
  static int concurrentTasks(SparkConf conf) {
    String master = conf.get("spark.master", "");
    int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
    java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]").matcher(master);
    if (local.matches()) {
      return local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
          : Integer.parseInt(local.group(1));
    }
    if (master.equals("local")) {
      return 1;
    }
    if (master.startsWith("local-cluster[")) {
      String[] parts = master.substring("local-cluster[".length(), master.length() - 1).split(",");
      return parts.length >= 2 ? Integer.parseInt(parts[1].trim()) / taskCpus : 0;
    }
    return conf.contains("spark.executor.cores") ? conf.getInt("spark.executor.cores", 1) / taskCpus : 0;
  }

  /** The OpenMP threads one task gets out of {@code jvmThreads}. */
  static int threadsPerTask(int jvmThreads, int concurrentTasks) {
    return concurrentTasks <= 1 ? jvmThreads : Math.max(1, jvmThreads / concurrentTasks);
  }

  private void apply() {
    if (SET.get()) {
      return;
    }
    SET.set(true);
    int jvm = Nd4j.getEnvironment().maxThreads();
    int threads = threadsPerTask(jvm, concurrentTasks);
    if (threads < jvm) {
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
      LOG.info("training task thread {}: {} OpenMP thread(s) of this JVM's {} ({} tasks at once)",
          Thread.currentThread().getName(), threads, jvm, concurrentTasks);
    }
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    apply();
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    apply();
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
  }
}
