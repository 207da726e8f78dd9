package org.ferspark.model.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.onnx.OnnxGraph.Attr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Translates a project network (a single-input, single-output {@link ComputationGraph} on NCHW images) into an ONNX
 * model, opset {@value OnnxGraph#OPSET}: input {@code input} = {@code N×C×H×W} float pixels {@code x / 255}
 * (the model metadata's shape and normalisation), output = the output layer's name, {@code N×classes}
 * probabilities. The class names, input convention and provenance go into {@code metadata_props}.
 *
 * <p>Mapping: {@link ConvolutionLayer} → Conv (weights {@code [out, in, kh, kw]} as DL4J stores them, pads from the
 * convolution mode: {@code Same} puts the odd pixel at the bottom/right as DL4J does, {@code Truncate}/{@code Strict}
 * use the configured padding), {@link BatchNormalization} → BatchNormalization (running statistics through
 * {@link BatchNormFolding#stats}), {@link SubsamplingLayer} max/avg → MaxPool/AveragePool,
 * {@link GlobalPoolingLayer} avg/max → GlobalAveragePool/GlobalMaxPool + Flatten, {@link DenseLayer} and
 * {@link OutputLayer} → Gemm (weights {@code [in, out]}), {@link DropoutLayer} → nothing (inference), activations
 * (layer or {@link ActivationLayer}) → Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softmax(axis 1),
 * {@link CnnToFeedForwardPreProcessor} (NCHW, flattening in 'c' order) → Flatten(axis 1). Anything else is an
 * {@link UnsupportedLayerException}; nothing is approximated.
 */
public final class OnnxExporter {
  /** The ONNX input's name. */
  public static final String INPUT = "input";

  private final ComputationGraph net;
  private final ComputationGraphConfiguration conf;
  private final OnnxGraph onnx = new OnnxGraph();
  /** Vertex name → the ONNX tensor holding its output. */
  private final Map<String, String> tensorOf = new HashMap<>();
  /** Vertex name → DL4J's activation shape, batch dimension included (for pads and ranks). */
  private final Map<String, long[]> shapeOf = new HashMap<>();

  private OnnxExporter(ComputationGraph net) {
    this.net = net;
    this.conf = net.getConfiguration();
  }

  /**
   * The serialised ONNX {@code ModelProto} of {@code net}.
   *
   * @param metadata the model file's metadata: input shape, normalisation, class names, architecture
   * @param extraMetadata further {@code metadata_props} (e.g. the source file's sha256)
   * @throws UnsupportedLayerException naming the first vertex that has no ONNX mapping
   */
  public static byte[] export(ComputationGraph net, ModelMetadata metadata, Map<String, String> extraMetadata) {
    return new OnnxExporter(net).translate(metadata, extraMetadata);
  }

  private byte[] translate(ModelMetadata metadata, Map<String, String> extra) {
    if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
      throw new UnsupportedLayerException("graph", net, "only one input and one output are supported, found "
          + conf.getNetworkInputs() + " and " + conf.getNetworkOutputs());
    }
    for (String name : metadata.classNames()) {
      if (name.contains(",")) {
        throw new IllegalArgumentException("class name '" + name + "' contains a comma; metadata_props "
            + "class_names is comma-separated");
      }
    }
    List<Integer> s = metadata.inputShape();
    String inputVertex = conf.getNetworkInputs().get(0);
    // shapes from DL4J's own shape inference, without running the network
    conf.getLayerActivationTypes(InputType.convolutional(s.get(1), s.get(2), s.get(0)))
        .forEach((k, t) -> shapeOf.put(k, t.getShape(true)));
    shapeOf.put(inputVertex, new long[] {1, s.get(0), s.get(1), s.get(2)});
    tensorOf.put(inputVertex, onnx.input(INPUT, s.get(0), s.get(1), s.get(2)));
    for (int i : net.topologicalSortOrder()) {
      String name = net.getVertices()[i].getVertexName();
      if (!name.equals(inputVertex)) {
        vertex(name);
      }
    }
    String out = conf.getNetworkOutputs().get(0);
    onnx.output(tensorOf.get(out), metadata.classes());
    Map<String, String> props = new LinkedHashMap<>();
    props.put("class_names", String.join(",", metadata.classNames()));
    props.put("input_name", INPUT);
    props.put("input_shape", "N," + s.get(0) + "," + s.get(1) + "," + s.get(2));
    props.put("input_layout", "NCHW, float32, grayscale face crop resized to " + s.get(1) + "x" + s.get(2));
    props.put("normalisation", metadata.normalisation());
    props.put("output_name", tensorOf.get(out));
    props.put("output", "N x " + metadata.classes() + " softmax probabilities in class_names order");
    props.put("architecture", metadata.architecture());
    props.put("dataset_fingerprint", String.valueOf(metadata.datasetFingerprint()));
    props.put("trained_with", "fer-spark " + metadata.projectVersion() + " (DL4J), created " + metadata.createdAt());
    props.putAll(extra);
    String doc = "fer-spark facial-expression model '" + metadata.architecture() + "': input " + INPUT + " "
        + props.get("input_shape") + " (" + metadata.normalisation() + "), output " + tensorOf.get(out)
        + " = probabilities of " + props.get("class_names");
    return onnx.toModel(metadata.architecture(), String.valueOf(metadata.projectVersion()), doc, props);
  }

  /** Number of ONNX nodes written so far (for reports). */
  int nodes() {
    return onnx.nodeCount();
  }

  private void vertex(String name) {
    GraphVertex v = conf.getVertices().get(name);
    List<String> inputs = conf.getVertexInputs().get(name);
    if (inputs == null || inputs.size() != 1) {
      throw new UnsupportedLayerException(name, v, "only single-input vertices are supported, inputs " + inputs);
    }
    String in = inputs.get(0);
    Chain c = new Chain(name, tensorOf.get(in));
    if (v instanceof PreprocessorVertex pv) {
      preprocessor(c, pv.getPreProcessor());
    } else if (v instanceof LayerVertex lv) {
      if (lv.getPreProcessor() != null) {
        preprocessor(c, lv.getPreProcessor());
      }
      layer(c, lv.getLayerConf().getLayer(), shapeOf.get(in));
    } else {
      throw new UnsupportedLayerException(name, v, "graph vertices other than layers and preprocessors have no "
          + "mapping");
    }
    tensorOf.put(name, c.finish());
  }

  private void preprocessor(Chain c, InputPreProcessor p) {
    if (p instanceof CnnToFeedForwardPreProcessor cnn && cnn.getFormat() == CNN2DFormat.NCHW) {
      // DL4J flattens [N, C, H, W] in 'c' order, channel-major: exactly Flatten(axis = 1) on NCHW
      c.op("Flatten", Attr.i("axis", 1));
    } else {
      throw new UnsupportedLayerException(c.vertex, p, "only the NCHW CNN-to-dense flattening preprocessor is "
          + "supported");
    }
  }

  private void layer(Chain c, Layer wrapped, long[] inShape) {
    // frozen layers (a fine-tuned network) compute what the layers they wrap compute at inference
    Layer l = wrapped instanceof FrozenLayer f ? f.getLayer()
        : wrapped instanceof FrozenLayerWithBackprop fb ? fb.getUnderlying() : wrapped;
    Map<String, INDArray> p = net.getLayer(c.vertex) == null ? Map.of() : net.getLayer(c.vertex).paramTable();
    if (l.getClass() == DropoutLayer.class) {
      return; // identity at inference
    }
    if (l.getClass() == ConvolutionLayer.class) {
      conv(c, (ConvolutionLayer) l, p, inShape);
    } else if (l.getClass() == BatchNormalization.class) {
      BatchNormalization bn = (BatchNormalization) l;
      if (inShape.length == 4 && bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
        throw new UnsupportedLayerException(c.vertex, l, "only NCHW batch norm is supported");
      }
      BatchNormFolding.Stats st = BatchNormFolding.stats(net, c.vertex);
      long n = st.mean().length();
      c.op("BatchNormalization", List.of(weight(c, "scale", st.gamma(), n), weight(c, "bias", st.beta(), n),
          weight(c, "mean", st.mean(), n), weight(c, "var", st.var(), n)), Attr.f("epsilon", st.eps()));
      // no activation: DL4J's batch-norm layer returns its normalised output as is; its configured activation
      // (inherited from the global default, sigmoid, in every vgg-bn file) is never applied
    } else if (l.getClass() == ActivationLayer.class) {
      activation(c, ((ActivationLayer) l).getActivationFn(), l);
    } else if (l.getClass() == SubsamplingLayer.class) {
      pool(c, (SubsamplingLayer) l, inShape);
    } else if (l.getClass() == GlobalPoolingLayer.class) {
      globalPool(c, (GlobalPoolingLayer) l, inShape);
    } else if (l.getClass() == DenseLayer.class || l.getClass() == OutputLayer.class) {
      if (l instanceof DenseLayer d && d.isHasLayerNorm()) {
        throw new UnsupportedLayerException(c.vertex, l, "dense layers with layer norm are not supported");
      }
      INDArray w = p.get("W");
      if (w == null || w.rank() != 2) {
        throw new UnsupportedLayerException(c.vertex, l, "expected a 2-d weight matrix W");
      }
      List<String> in = new ArrayList<>(List.of(weight(c, "W", w, w.shape())));
      if (p.containsKey("b")) {
        in.add(weight(c, "b", p.get("b"), w.size(1)));
      }
      c.op("Gemm", in);
      activation(c, ((BaseLayer) l).getActivationFn(), l);
    } else {
      throw new UnsupportedLayerException(c.vertex, l, "no ONNX mapping for this layer type (supported: "
          + "ConvolutionLayer, BatchNormalization, ActivationLayer, SubsamplingLayer, GlobalPoolingLayer, "
          + "DenseLayer, DropoutLayer, OutputLayer)");
    }
  }

  private void conv(Chain c, ConvolutionLayer l, Map<String, INDArray> p, long[] inShape) {
    if (l.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      throw new UnsupportedLayerException(c.vertex, l, "only NCHW convolutions are supported");
    }
    INDArray w = p.get("W");
    if (w == null || w.rank() != 4 || w.size(2) != l.getKernelSize()[0] || w.size(3) != l.getKernelSize()[1]) {
      throw new UnsupportedLayerException(c.vertex, l, "expected weights [out, in, kh, kw]");
    }
    List<String> in = new ArrayList<>(List.of(weight(c, "W", w, w.shape())));
    if (l.hasBias()) {
      in.add(weight(c, "b", p.get("b"), w.size(0)));
    }
    int[] k = l.getKernelSize();
    int[] st = l.getStride();
    int[] d = l.getDilation();
    c.op("Conv", in, Attr.ints("kernel_shape", k[0], k[1]), Attr.ints("strides", st[0], st[1]),
        Attr.ints("dilations", d[0], d[1]), Attr.i("group", 1),
        Attr.ints("pads", pads(c, l, l.getConvolutionMode(), k, st, d, l.getPadding(), inShape)));
    activation(c, l.getActivationFn(), l);
  }

  private void pool(Chain c, SubsamplingLayer l, long[] inShape) {
    if (l.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      throw new UnsupportedLayerException(c.vertex, l, "only NCHW pooling is supported");
    }
    int[] k = l.getKernelSize();
    int[] st = l.getStride();
    int[] d = l.getDilation();
    long[] pads = pads(c, l, l.getConvolutionMode(), k, st, d, l.getPadding(), inShape);
    if (l.getPoolingType() == PoolingType.MAX) {
      c.op("MaxPool", Attr.ints("kernel_shape", k[0], k[1]), Attr.ints("strides", st[0], st[1]),
          Attr.ints("dilations", d[0], d[1]), Attr.ints("pads", pads));
    } else if (l.getPoolingType() == PoolingType.AVG && d[0] == 1 && d[1] == 1) {
      c.op("AveragePool", Attr.ints("kernel_shape", k[0], k[1]), Attr.ints("strides", st[0], st[1]),
          Attr.ints("pads", pads), Attr.i("count_include_pad", l.isAvgPoolIncludePadInDivisor() ? 1 : 0));
    } else {
      throw new UnsupportedLayerException(c.vertex, l, l.getPoolingType() + " pooling with dilation "
          + List.of(d[0], d[1]) + " has no ONNX opset " + OnnxGraph.OPSET + " equivalent");
    }
  }

  private void globalPool(Chain c, GlobalPoolingLayer l, long[] inShape) {
    int[] dims = l.getPoolingDimensions();
    if (inShape.length != 4 || (dims != null && !(dims.length == 2 && dims[0] == 2 && dims[1] == 3))) {
      throw new UnsupportedLayerException(c.vertex, l, "only global pooling over H and W of NCHW input is supported");
    }
    switch (l.getPoolingType()) {
      case AVG -> c.op("GlobalAveragePool");
      case MAX -> c.op("GlobalMaxPool");
      default -> throw new UnsupportedLayerException(c.vertex, l, l.getPoolingType() + " global pooling has no "
          + "mapping (AVG and MAX do)");
    }
    if (l.isCollapseDimensions()) {
      c.op("Flatten", Attr.i("axis", 1));
    }
  }

  /**
   * ONNX pads {@code [top, left, bottom, right]}. {@code Same}: output {@code ceil(in / stride)} and the total
   * padding split with the smaller half first (DL4J's {@code ConvolutionUtils.getSameModeTopLeftPadding}).
   */
  private static long[] pads(Chain c, Layer l, ConvolutionMode mode, int[] k, int[] st, int[] d, int[] padding,
      long[] inShape) {
    return switch (mode) {
      case Truncate, Strict -> new long[] {padding[0], padding[1], padding[0], padding[1]};
      case Same -> {
        long[] pads = new long[4];
        for (int i = 0; i < 2; i++) {
          long in = inShape[2 + i];
          long out = (in + st[i] - 1) / st[i];
          long total = Math.max(0, (out - 1) * st[i] + (long) (k[i] - 1) * d[i] + 1 - in);
          pads[i] = total / 2;
          pads[2 + i] = total - total / 2;
        }
        yield pads;
      }
      default -> throw new UnsupportedLayerException(c.vertex, l, "convolution mode " + mode + " is not supported");
    };
  }

  private void activation(Chain c, IActivation a, Layer l) {
    if (a == null || a instanceof ActivationIdentity) {
      return;
    }
    if (a instanceof ActivationReLU r && r.getMax() == null && isZeroOrNull(r.getThreshold())
        && isZeroOrNull(r.getNegativeSlope())) {
      c.op("Relu");
    } else if (a instanceof ActivationLReLU r) {
      c.op("LeakyRelu", Attr.f("alpha", r.getAlpha()));
    } else if (a instanceof ActivationELU e) {
      c.op("Elu", Attr.f("alpha", e.getAlpha()));
    } else if (a instanceof ActivationSigmoid) {
      c.op("Sigmoid");
    } else if (a instanceof ActivationTanH) {
      c.op("Tanh");
    } else if (a instanceof ActivationSoftmax) {
      c.op("Softmax", Attr.i("axis", 1));
    } else {
      throw new UnsupportedLayerException(c.vertex, l, "activation " + a + " has no mapping");
    }
  }

  private static boolean isZeroOrNull(Double d) {
    return d == null || d == 0.0;
  }

  /** A parameter of the current vertex as an initializer named {@code vertex/param}, in row-major order. */
  private String weight(Chain c, String param, INDArray values, long... dims) {
    float[] data = Nd4j.toFlattened('c', values).castTo(DataType.FLOAT).toFloatVector();
    return onnx.initializer(c.vertex + "/" + param, dims, data);
  }

  /**
   * The ONNX nodes of one vertex, in order: each reads the previous one's output; the last writes the tensor named
   * after the vertex, the others {@code vertex/Op}.
   */
  private final class Chain {
    private final String vertex;
    private final List<Object[]> ops = new ArrayList<>();
    private final String input;

    Chain(String vertex, String input) {
      this.vertex = vertex;
      this.input = input;
    }

    void op(String op, Attr... attrs) {
      op(op, List.of(), attrs);
    }

    /** {@code op} on the previous output and {@code extraInputs} (initializers). */
    void op(String op, List<String> extraInputs, Attr... attrs) {
      ops.add(new Object[] {op, extraInputs, attrs});
    }

    @SuppressWarnings("unchecked")
    String finish() {
      String t = input;
      for (int i = 0; i < ops.size(); i++) {
        Object[] o = ops.get(i);
        List<String> in = new ArrayList<>();
        in.add(t);
        in.addAll((List<String>) o[1]);
        String out = i == ops.size() - 1 ? vertex : vertex + "/" + o[0];
        t = onnx.node((String) o[0], out, in, (Attr[]) o[2]);
      }
      return t;
    }
  }
}
