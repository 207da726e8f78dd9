package org.ferspark.model.onnx;

/** A network element {@link OnnxExporter} has no ONNX mapping for; the message names the vertex and why. */
public final class UnsupportedLayerException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UnsupportedLayerException(String vertex, Object what, String why) {
    super("cannot export '" + vertex + "' (" + (what == null ? "?" : what.getClass().getSimpleName()) + ") to ONNX: "
        + why);
  }
}
