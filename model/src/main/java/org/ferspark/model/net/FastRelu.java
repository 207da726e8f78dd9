package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime stand-in for a plain ReLU {@code ActivationLayer} that is the only consumer of a batch-norm layer on a
 * ReLU-applying {@link FastBatchNorm}: when its input is the array that helper returned, the ReLU is already applied
 * and the forward pass hands the input on; any other input gets the ReLU out of place. The backward pass writes
 * {@code ε · [x > 0]} (the same for x and relu(x)) straight into the gradient workspace, as two native element-wise
 * passes ({@code step}, then a multiply).
 *
 * <p>DL4J's {@code ActivationLayer} instead copies its input in the forward pass (to keep it for backprop), applies
 * the ReLU to the copy, copies it again in backprop, writes the derivative into a third array with libnd4j's
 * {@code relu_bp} (a per-element function call, 2.4× slower than the two passes here) and moves that into the
 * gradient workspace. The values are DL4J's; only the sign of a zero gradient can differ ({@code −0} where DL4J
 * writes {@code 0}), which changes no sum ({@code FastBatchNormTest}). Like {@link FastBatchNorm} it exists only at
 * run time: {@link FastBatchNorm#install} puts it in place of the layer; the configuration, and with it every model
 * file, still names the {@code ActivationLayer}.
 */
final class FastRelu extends ActivationLayer {
  private final FastBatchNorm source;

  FastRelu(NeuralNetConfiguration conf, DataType dataType, FastBatchNorm source) {
    super(conf, dataType);
    this.source = source;
  }

  /** Whether {@code conf} is an activation layer this class computes exactly: plain ReLU, no dropout. */
  static boolean replaces(NeuralNetConfiguration conf) {
    return conf.getLayer() instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer a
        && a.getIDropout() == null
        && a.getActivationFn() instanceof ActivationReLU relu
        && relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    if (source.appliedReluTo(input)) {
      return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
    }
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
        input.ordering());
    Nd4j.getExecutioner().exec(new RectifiedLinear(input, out));
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
        input.ordering());
    Nd4j.getExecutioner().exec(new Step(input, delta, 0.0));
    delta.muli(epsilon);
    return new Pair<>(new DefaultGradient(), delta);
  }
}
