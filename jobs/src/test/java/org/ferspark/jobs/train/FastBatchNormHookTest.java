package org.ferspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.FastBatchNorm;
import org.junit.jupiter.api.Test;

/** The executors' hook installs what the single-JVM path installs, once. */
class FastBatchNormHookTest {
  @Test
  void putsFastBatchNormAndTheFusedReluOnAWorkersVggBnOnce() {
    ComputationGraph worker = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    FastBatchNormHook hook = new FastBatchNormHook();
    hook.preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, worker);
    assertThat(worker.getLayer("s1_1_bn").getHelper()).isInstanceOf(FastBatchNorm.class);
    assertThat(FastBatchNorm.fusedRelus(worker)).isEqualTo(8);
    Object relu = worker.getLayer("s4_2_relu");
    hook.preUpdate((org.nd4j.linalg.dataset.api.MultiDataSet) null, worker);
    assertThat(worker.getLayer("s4_2_relu")).as("a no-op once installed").isSameAs(relu);
    assertThat(FastBatchNorm.fusedRelus(worker)).isEqualTo(8);
  }
}
