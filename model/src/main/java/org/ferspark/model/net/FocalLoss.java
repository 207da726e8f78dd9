package org.ferspark.model.net;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Multi-class focal loss (Lin et al. 2017) on a softmax output: {@code L = -Σ_c y_c · w_c · (1 - p_c)^γ · log p_c}
 * per example, averaged over the minibatch. {@code γ = 0} and no weights is plain cross-entropy; larger {@code γ}
 * shrinks the loss of examples the network already gets right, so rare, hard classes weigh more.
 *
 * <p>Labels may be soft (label smoothing). The gradient is {@code dL/dp} pushed through the activation's backprop,
 * so any activation works, softmax being the one the architectures use. Serialised into the network's JSON
 * configuration like DL4J's own losses (it is loaded by class name from this module).
 */
public final class FocalLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;
  private static final double EPS = 1e-7;

  @JsonProperty("gamma")
  private final double gamma;
  @JsonProperty("weights")
  private final double[] weights;

  /** Focal loss with focusing parameter {@code gamma} ≥ 0 and optional per-class weights ({@code null} = all 1). */
  @JsonCreator
  public FocalLoss(@JsonProperty("gamma") double gamma, @JsonProperty("weights") double[] weights) {
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("focal loss gamma must be a finite number >= 0, got " + gamma);
    }
    this.gamma = gamma;
    this.weights = weights == null ? null : weights.clone();
  }

  public FocalLoss(double gamma) {
    this(gamma, null);
  }

  public double gamma() {
    return gamma;
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray p = probabilities(preOutput, activationFn, labels);
    // -y * w * (1-p)^g * log p, summed over classes
    INDArray perClass = Transforms.log(p, true).muli(modulation(p)).muli(labels.castTo(p.dataType())).negi();
    applyWeightsAndMask(perClass, mask);
    return perClass.sum(true, 1);
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
      boolean average) {
    double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
    return average ? sum / labels.size(0) : sum;
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray p = probabilities(preOutput, activationFn, labels);
    INDArray y = labels.castTo(p.dataType());
    // dL/dp = y * w * (g * (1-p)^(g-1) * log p - (1-p)^g / p)
    INDArray dLdp = modulation(p).divi(p).negi();
    if (gamma != 0) {
      dLdp.addi(Transforms.pow(p.rsub(1.0), gamma - 1, false).muli(Transforms.log(p, true)).muli(gamma));
    }
    dLdp.muli(y);
    applyWeightsAndMask(dLdp, mask);
    INDArray grad = activationFn.backprop(preOutput.dup(), dLdp).getFirst();
    if (mask != null) {
      grad.muliColumnVector(mask.castTo(grad.dataType()).reshape(mask.size(0), 1));
    }
    return grad;
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
      INDArray mask, boolean average) {
    return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
        computeGradient(labels, preOutput, activationFn, mask));
  }

  @Override
  public String name() {
    return toString();
  }

  @Override
  public String toString() {
    return "FocalLoss(gamma=" + gamma + (weights == null ? "" : ", weights=" + Arrays.toString(weights)) + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FocalLoss f && f.gamma == gamma && Arrays.equals(f.weights, weights);
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(gamma) + Arrays.hashCode(weights);
  }

  private static INDArray probabilities(INDArray preOutput, IActivation activationFn, INDArray labels) {
    if (!Arrays.equals(preOutput.shape(), labels.shape())) {
      throw new IllegalArgumentException("labels " + Arrays.toString(labels.shape()) + " and network output "
          + Arrays.toString(preOutput.shape()) + " differ in shape");
    }
    INDArray p = activationFn.getActivation(preOutput.dup(), true);
    return Transforms.max(Transforms.min(p, 1 - EPS, false), EPS, false);
  }

  /** {@code (1 - p)^γ}, a new array. */
  private INDArray modulation(INDArray p) {
    return gamma == 0 ? Nd4j.onesLike(p) : Transforms.pow(p.rsub(1.0), gamma, false);
  }

  private void applyWeightsAndMask(INDArray perClass, INDArray mask) {
    if (weights != null) {
      if (weights.length != perClass.size(1)) {
        throw new IllegalArgumentException(weights.length + " class weights for " + perClass.size(1) + " classes");
      }
      perClass.muliRowVector(Nd4j.createFromArray(weights).castTo(perClass.dataType()));
    }
    if (mask != null) {
      perClass.muliColumnVector(mask.castTo(perClass.dataType()).reshape(mask.size(0), 1));
    }
  }
}
