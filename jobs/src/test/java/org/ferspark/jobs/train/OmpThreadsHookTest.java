package org.ferspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.junit.jupiter.api.Test;

/** Concurrent tasks per executor JVM from the Spark configuration, and the OpenMP limit set in the task's thread only. */
class OmpThreadsHookTest {
  @Test
  void concurrentTasksComeFromTheMasterOrTheExecutorCores() {
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "local[2]"))).isEqualTo(2);
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "local[4,3]"))).isEqualTo(4);
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "local[*]")))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "local"))).isEqualTo(1);
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "local-cluster[2,3,2048]")))
        .isEqualTo(3);
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "spark://h:7077")
        .set("spark.executor.cores", "4").set("spark.task.cpus", "2"))).isEqualTo(2);
    assertThat(OmpThreadsHook.concurrentTasks(new SparkConf().set("spark.master", "yarn"))).as("unknown").isZero();
    assertThat(OmpThreadsHook.threadsPerTask(2, 2)).isEqualTo(1);
    assertThat(OmpThreadsHook.threadsPerTask(16, 4)).isEqualTo(4);
    assertThat(OmpThreadsHook.threadsPerTask(2, 4)).as("at least one").isEqualTo(1);
    assertThat(OmpThreadsHook.threadsPerTask(8, 0)).as("unknown: unchanged").isEqualTo(8);
  }

  @Test
  void theLimitHoldsInTheTaskThreadOnly() throws InterruptedException {
    int jvm = Nd4j.getEnvironment().maxThreads();
    assumeTrue(jvm >= 2, "needs two OpenMP threads");
    var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
    AtomicInteger inTask = new AtomicInteger();
    Thread task = new Thread(() -> {
      new OmpThreadsHook(2).preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, null);
      inTask.set(ops.ompGetMaxThreads());
    });
    task.start();
    task.join();
    assertThat(inTask.get()).isEqualTo(OmpThreadsHook.threadsPerTask(jvm, 2));
    assertThat(ops.ompGetMaxThreads()).as("this thread keeps all of them").isEqualTo(jvm);
  }
}
