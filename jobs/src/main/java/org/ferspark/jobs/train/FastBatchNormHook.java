package org.ferspark.jobs.train;

import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.ferspark.model.net.FastBatchNorm;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link FastBatchNorm} on the batch-norm layers of the network an executor trains, with the ReLU layers that
 * follow them fused ({@link FastBatchNorm#install}): DL4J-Spark's workers build their own network from the broadcast
 * configuration, with DL4J's default helpers and layers, so the single-JVM path's {@code TrainingLoop} setting would
 * not reach them. Before every minibatch; a no-op once installed.
 */
final class FastBatchNormHook implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FastBatchNormHook.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    install(model);
  }

  private static void install(Model model) {
    int layers = FastBatchNorm.install(model);
    if (layers > 0 && LOGGED.compareAndSet(false, true)) {
      LOG.info("FastBatchNorm on the {} batch-norm layers of this executor's network, {} ReLU layers fused", layers,
          model instanceof ComputationGraph g ? FastBatchNorm.fusedRelus(g) : 0);
    }
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    install(model);
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
  }
}
