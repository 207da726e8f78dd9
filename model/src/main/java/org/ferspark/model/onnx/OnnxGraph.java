package org.ferspark.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction (float tensors only) and its serialisation as a {@code ModelProto}: nodes in
 * topological order, initializers (the weights, as {@code raw_data}), one input and one output with a symbolic
 * batch dimension, and {@code metadata_props}. Opset {@value #OPSET} of the default domain, IR version
 * {@value #IR_VERSION} (the IR version that came with opset 13; read here by ONNX Runtime 1.20 in Java and 1.30 in
 * Python).
 */
final class OnnxGraph {
  static final int OPSET = 13;
  static final long IR_VERSION = 7;
  /** The symbolic name of the batch dimension. */
  static final String BATCH = "N";

  // onnx.proto field numbers and enum values
  private static final int FLOAT = 1;
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  private final ProtoWriter graph = new ProtoWriter();
  private final Set<String> tensors = new HashSet<>();
  private int nodes;

  /** One node attribute: a float, an int or a list of ints. */
  record Attr(String name, int type, float f, long i, long[] ints) {
    static Attr f(String name, double value) {
      return new Attr(name, ATTR_FLOAT, (float) value, 0, null);
    }

    static Attr i(String name, long value) {
      return new Attr(name, ATTR_INT, 0, value, null);
    }

    static Attr ints(String name, long... values) {
      return new Attr(name, ATTR_INTS, 0, 0, values.clone());
    }

    ProtoWriter proto() {
      ProtoWriter a = new ProtoWriter().string(1, name).varint(20, type);
      switch (type) {
        case ATTR_FLOAT -> a.float32(2, f);
        case ATTR_INT -> a.varint(3, i);
        default -> {
          for (long v : ints) {
            a.varint(8, v);
          }
        }
      }
      return a;
    }
  }

  /** Adds node {@code op} reading {@code inputs} and writing the new tensor {@code output}; returns {@code output}. */
  String node(String op, String output, List<String> inputs, Attr... attrs) {
    for (String in : inputs) {
      if (!tensors.contains(in)) {
        throw new IllegalStateException(op + " -> " + output + ": input tensor '" + in + "' is not defined yet");
      }
    }
    define(output);
    ProtoWriter n = new ProtoWriter();
    inputs.forEach(in -> n.string(1, in));
    n.string(2, output).string(3, output).string(4, op);
    for (Attr a : attrs) {
      n.message(5, a.proto());
    }
    graph.message(1, n);
    nodes++;
    return output;
  }

  /** Adds a float initializer of shape {@code dims} (values in row-major order); returns {@code name}. */
  String initializer(String name, long[] dims, float[] values) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + List.of(dims));
    }
    define(name);
    ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    ProtoWriter t = new ProtoWriter();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    graph.message(5, t);
    return name;
  }

  /** Declares the graph input {@code name}: float, {@code [N, dims...]}. */
  String input(String name, long... dims) {
    define(name);
    graph.message(11, valueInfo(name, dims));
    return name;
  }

  /** Declares the defined tensor {@code name} a graph output: float, {@code [N, dims...]}. */
  void output(String name, long... dims) {
    if (!tensors.contains(name)) {
      throw new IllegalStateException("output tensor '" + name + "' is not defined");
    }
    graph.message(12, valueInfo(name, dims));
  }

  int nodeCount() {
    return nodes;
  }

  /** The serialised {@code ModelProto}. */
  byte[] toModel(String graphName, String producerVersion, String doc, Map<String, String> metadata) {
    graph.string(2, graphName);
    ProtoWriter m = new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, "fer-spark")
        .string(3, producerVersion)
        .string(6, doc)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
    metadata.forEach((k, v) -> m.message(14, new ProtoWriter().string(1, k).string(2, v)));
    return m.toByteArray();
  }

  private void define(String name) {
    if (!tensors.add(name)) {
      throw new IllegalStateException("tensor '" + name + "' is defined twice");
    }
  }

  private static ProtoWriter valueInfo(String name, long[] dims) {
    ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, BATCH));
    for (long d : dims) {
      shape.message(1, new ProtoWriter().varint(1, d));
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, FLOAT).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
  }
}
