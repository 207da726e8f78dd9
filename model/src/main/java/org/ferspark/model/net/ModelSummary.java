package org.ferspark.model.net;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The printable summary of a network: one row per layer (name, type, shapes, parameters), ending in the totals. */
public final class ModelSummary {
  /** Batch-norm running statistics: stored in DL4J's parameter vector but updated by averaging, not by gradients. */
  private static final Set<String> RUNNING_STATS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
      BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

  private ModelSummary() {
  }

  /** The summary for the project's input, one 48×48 grayscale image ({@code InputType.convolutional(48, 48, 1)}). */
  public static String of(ComputationGraph graph) {
    return of(graph, InputType.convolutional(48, 48, 1));
  }

  /**
   * DL4J's layer table ({@code graph.summary(input)}, with each layer's input and output shape) followed by
   * {@code Total parameters: N (learnable M, batch-norm running statistics K)}. DL4J does not keep the input type in
   * a saved configuration, so the caller names it (a loaded model has it in its metadata).
   */
  public static String of(ComputationGraph graph, InputType input) {
    String table = graph.summary(input);
    long total = graph.numParams();
    long learnable = learnableParams(graph);
    return table + String.format(Locale.ROOT,
        "Total parameters: %,d (learnable %,d, batch-norm running statistics %,d)%n", total, learnable,
        total - learnable);
  }

  /** Parameters that gradients update: {@code numParams()} minus batch norm's running mean and variance. */
  public static long learnableParams(ComputationGraph graph) {
    long stats = 0;
    for (Layer layer : graph.getLayers()) {
      if (layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
        for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
          if (RUNNING_STATS.contains(p.getKey())) {
            stats += p.getValue().length();
          }
        }
      }
    }
    return graph.numParams() - stats;
  }
}
