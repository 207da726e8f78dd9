package org.ferspark.evaluation.predict;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;

/**
 * Removes DL4J's layer helpers (oneDNN on CPU) from a network, so every layer runs DL4J's built-in implementation.
 *
 * <p>Needed for Keras-imported (channels-last) graphs: DL4J 1.0.0-M2.1's {@code MKLDNNBatchNormHelper} reads the
 * output of a {@code SeparableConvolution2D} in NHWC wrongly. Measured on mini-Xception: the activations of
 * {@code batch_normalization_4} differ by up to 3e35 from the built-in path, predictions collapse (10 % accuracy on
 * data/sample's test faces instead of 69 %) and the JVM sometimes dies with SIGSEGV. The helpers are created
 * whenever a layer is constructed ({@code init}, {@code clone}) while {@code org.eclipse.deeplearning4j.helpers.disable}
 * is false, which the project sets JVM-wide; DL4J has no per-network switch, so they are removed afterwards.
 */
final class LayerHelpers {
  private LayerHelpers() {
  }

  /** Sets every {@link LayerHelper} field of every layer to null; returns {@code graph}. */
  static ComputationGraph strip(ComputationGraph graph) {
    for (Layer layer : graph.getLayers()) {
      for (Class<?> c = layer.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && LayerHelper.class.isAssignableFrom(f.getType())) {
            try {
              f.setAccessible(true);
              f.set(layer, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
              throw new IllegalStateException("cannot remove the " + f.getName() + " of layer "
                  + layer.conf().getLayer().getLayerName() + ": " + e, e);
            }
          }
        }
      }
      if (layer.getHelper() != null) {
        throw new IllegalStateException("layer " + layer.conf().getLayer().getLayerName() + " still has helper "
            + layer.getHelper().getClass().getSimpleName());
      }
    }
    return graph;
  }
}
