package org.ferspark.model.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An inference-only copy of a graph with every {@code conv → batch norm [→ activation layer]} chain fused into one
 * convolution: {@code W' = W·γ/σ}, {@code b' = (b − μ)·γ/σ + β} per output channel, {@code σ = √(var + ε)} from the
 * running statistics, and the activation layer's function moved into the convolution.
 *
 * <p>Why: DL4J runs each layer as its own helper call with its own output array; at batch 1 on one CPU thread the
 * batch-norm and activation layers of {@code vgg-bn} cost more than its convolutions (28 ms → 8 ms per face with
 * them fused, {@code bench/RESULTS.md}). The fused graph computes the same function up to float rounding; it is for
 * {@code output()} only: batch norm in training mode uses batch statistics, which a fused graph no longer has.
 *
 * <p>A chain is fused only when it is unambiguous: a plain {@link ConvolutionLayer} (not a subclass) in NCHW with
 * the identity activation, whose only consumer is a {@link BatchNormalization} without an input pre-processor, which
 * is not a network output; an {@link ActivationLayer} that is the batch norm's only consumer is fused as well.
 * Anything else is copied as it is.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {
  }

  /** A fused chain: the convolution that stays, the batch norm and the optional activation layer that go. */
  private record Chain(String conv, String bn, String activation) {
    String last() {
      return activation != null ? activation : bn;
    }
  }

  /** The number of {@code conv → batch norm} chains {@link #fold} would fuse in {@code graph}. */
  public static int foldableChains(ComputationGraph graph) {
    return chains(graph.getConfiguration()).size();
  }

  /**
   * The fused copy of {@code graph}, or {@code graph} itself when nothing can be fused. {@code graph} is not changed.
   */
  public static ComputationGraph fold(ComputationGraph graph) {
    ComputationGraphConfiguration conf = graph.getConfiguration().clone();
    List<Chain> chains = chains(conf);
    if (chains.isEmpty()) {
      return graph;
    }
    Map<String, GraphVertex> vertices = conf.getVertices();
    Map<String, List<String>> inputs = conf.getVertexInputs();
    Map<String, String> renamed = new HashMap<>();
    for (Chain c : chains) {
      ConvolutionLayer conv = (ConvolutionLayer) layer(vertices.get(c.conv()));
      conv.setHasBias(true);
      IActivation activation = c.activation() == null ? new ActivationIdentity()
          : ((ActivationLayer) layer(vertices.get(c.activation()))).getActivationFn();
      conv.setActivationFn(activation);
      vertices.remove(c.bn());
      inputs.remove(c.bn());
      if (c.activation() != null) {
        vertices.remove(c.activation());
        inputs.remove(c.activation());
      }
      renamed.put(c.last(), c.conv());
    }
    for (List<String> in : inputs.values()) {
      in.replaceAll(name -> renamed.getOrDefault(name, name));
    }
    ComputationGraph fused = new ComputationGraph(conf);
    fused.init();
    for (org.deeplearning4j.nn.api.Layer l : fused.getLayers()) {
      String name = l.conf().getLayer().getLayerName();
      Map<String, INDArray> source = graph.getLayer(name).paramTable();
      for (Map.Entry<String, INDArray> p : l.paramTable().entrySet()) {
        if (source.containsKey(p.getKey())) {
          p.getValue().assign(source.get(p.getKey()));
        }
      }
    }
    for (Chain c : chains) {
      fuseParams(graph, c, fused.getLayer(c.conv()));
    }
    return fused;
  }

  /**
   * A batch-norm layer's inference parameters per channel, in double: running mean and variance (DL4J stores the
   * variance, or log10 of the standard deviation, depending on its {@code useLogStd} setting), γ, β and ε.
   */
  public record Stats(INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps) {
  }

  /** The inference parameters of the batch-norm layer {@code bn} of {@code graph}. */
  public static Stats stats(ComputationGraph graph, String bn) {
    Layer l = layer(graph.getConfiguration().getVertices().get(bn));
    // a fine-tuned network wraps frozen layers; the statistics are the wrapped layer's
    BatchNormalization bnConf = (BatchNormalization) (l instanceof FrozenLayer f ? f.getLayer() : l);
    Map<String, INDArray> p = graph.getLayer(bn).paramTable();
    INDArray globalMean = p.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
    long channels = globalMean.length();
    INDArray mean = globalMean.reshape(channels).castTo(DataType.DOUBLE);
    INDArray var;
    if (p.containsKey(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
      // DL4J keeps log10 of the running standard deviation: var = (10^log10std)^2
      INDArray log10Std = p.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).reshape(channels)
          .castTo(DataType.DOUBLE);
      INDArray std = Transforms.pow(Nd4j.valueArrayOf(log10Std.shape(), 10.0, log10Std.dataType()), log10Std, false);
      var = std.mul(std);
    } else {
      var = p.get(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(channels)
          .castTo(DataType.DOUBLE);
    }
    INDArray gamma;
    INDArray beta;
    if (bnConf.isLockGammaBeta()) {
      gamma = Nd4j.valueArrayOf(new long[] {channels}, bnConf.getGamma(), mean.dataType());
      beta = Nd4j.valueArrayOf(new long[] {channels}, bnConf.getBeta(), mean.dataType());
    } else {
      gamma = p.get(BatchNormalizationParamInitializer.GAMMA).reshape(channels).castTo(mean.dataType());
      beta = p.get(BatchNormalizationParamInitializer.BETA).reshape(channels).castTo(mean.dataType());
    }
    return new Stats(mean, var, gamma, beta, bnConf.getEps());
  }

  private static void fuseParams(ComputationGraph graph, Chain c, org.deeplearning4j.nn.api.Layer target) {
    Stats bn = stats(graph, c.bn());
    Map<String, INDArray> conv = graph.getLayer(c.conv()).paramTable();
    long channels = conv.get(ConvolutionParamInitializer.WEIGHT_KEY).size(0);
    INDArray mean = bn.mean();
    INDArray beta = bn.beta();
    INDArray scale = bn.gamma().div(Transforms.sqrt(bn.var().add(bn.eps()), false));
    INDArray w = conv.get(ConvolutionParamInitializer.WEIGHT_KEY);
    INDArray b = conv.containsKey(ConvolutionParamInitializer.BIAS_KEY)
        ? conv.get(ConvolutionParamInitializer.BIAS_KEY).reshape(channels).castTo(mean.dataType())
        : Nd4j.zeros(mean.dataType(), channels);
    // W is [out, in, kh, kw]: scale each output channel's slice
    INDArray w2 = w.castTo(mean.dataType()).reshape(channels, w.length() / channels).mulColumnVector(
        scale.reshape(channels, 1)).reshape(w.shape());
    INDArray fusedB = b.sub(mean).muli(scale).addi(beta);
    target.setParam(ConvolutionParamInitializer.WEIGHT_KEY, w2.castTo(w.dataType()));
    target.setParam(ConvolutionParamInitializer.BIAS_KEY,
        fusedB.reshape(target.getParam(ConvolutionParamInitializer.BIAS_KEY).shape()).castTo(w.dataType()));
  }

  private static List<Chain> chains(ComputationGraphConfiguration conf) {
    Map<String, GraphVertex> vertices = conf.getVertices();
    Map<String, List<String>> consumers = new HashMap<>();
    conf.getVertexInputs().forEach((v, in) -> in.forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>())
        .add(v)));
    List<String> outputs = conf.getNetworkOutputs();
    List<Chain> chains = new ArrayList<>();
    for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
      Layer l = layer(e.getValue());
      if (l == null || l.getClass() != ConvolutionLayer.class || outputs.contains(e.getKey())) {
        continue;
      }
      ConvolutionLayer conv = (ConvolutionLayer) l;
      if (!(conv.getActivationFn() instanceof ActivationIdentity) || conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
        continue;
      }
      String bn = onlyConsumer(consumers, e.getKey());
      if (bn == null || !(layer(vertices.get(bn)) instanceof BatchNormalization) || hasPreProcessor(vertices.get(bn))
          || outputs.contains(bn)) {
        continue;
      }
      String act = onlyConsumer(consumers, bn);
      boolean fuseActivation = act != null && layer(vertices.get(act)) instanceof ActivationLayer
          && !hasPreProcessor(vertices.get(act)) && !outputs.contains(act);
      chains.add(new Chain(e.getKey(), bn, fuseActivation ? act : null));
    }
    return chains;
  }

  private static String onlyConsumer(Map<String, List<String>> consumers, String vertex) {
    List<String> c = consumers.get(vertex);
    return c != null && c.size() == 1 ? c.get(0) : null;
  }

  private static Layer layer(GraphVertex v) {
    return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
  }

  private static boolean hasPreProcessor(GraphVertex v) {
    return v instanceof LayerVertex lv && lv.getPreProcessor() != null;
  }
}
