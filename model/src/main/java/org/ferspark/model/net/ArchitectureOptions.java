package org.ferspark.model.net;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * What a training run may change in an {@link Architecture} without touching its layers.
 *
 * @param classes output classes (7, or 8 with contempt)
 * @param inputSize side of the square grayscale input in pixels (48)
 * @param seed weight-initialisation seed
 * @param updater optimiser, learning rate and schedule (e.g. {@code new Adam(new MapSchedule(...))}); {@code null}
 *     means the architecture's default
 * @param l2 L2 penalty added to the loss (0 = none)
 * @param weightDecay decoupled weight decay coefficient, scaled by the learning rate (0 = none)
 * @param dropout probability of DROPPING an activation (PyTorch's meaning, not DL4J's retain probability);
 *     {@code null} means the architecture's default, 0 means no dropout
 * @param loss the output layer's loss on top of its softmax (class-weighted cross-entropy, focal loss, ...);
 *     {@code null} means plain multi-class cross-entropy
 * @param width channel multiplier of the convolutional stages (1 = the architecture as published; vgg-bn at 1.5 has
 *     48/96/192/384 channels); an architecture that cannot be widened rejects anything but 1
 */
public record ArchitectureOptions(
    int classes, int inputSize, long seed, IUpdater updater, double l2, double weightDecay, Double dropout,
    ILossFunction loss, double width) {

  public ArchitectureOptions {
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be at least 2, got " + classes);
    }
    if (inputSize < 16) {
      throw new IllegalArgumentException("inputSize must be at least 16, got " + inputSize);
    }
    if (l2 < 0 || weightDecay < 0) {
      throw new IllegalArgumentException("l2 and weightDecay must be >= 0, got " + l2 + " and " + weightDecay);
    }
    if (dropout != null && (dropout < 0 || dropout >= 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(width >= 0.25 && width <= 8)) {
      throw new IllegalArgumentException("width must be in [0.25, 8], got " + width);
    }
  }

  /** Options with the default loss (multi-class cross-entropy). */
  public ArchitectureOptions(int classes, int inputSize, long seed, IUpdater updater, double l2, double weightDecay,
      Double dropout) {
    this(classes, inputSize, seed, updater, l2, weightDecay, dropout, null, 1);
  }

  /** 48×48 input, seed 42, architecture defaults for updater and dropout, no regularisation. */
  public static ArchitectureOptions defaults(int classes) {
    return new ArchitectureOptions(classes, 48, 42L, null, 0, 0, null, null, 1);
  }

  public ArchitectureOptions withUpdater(IUpdater newUpdater) {
    return new ArchitectureOptions(classes, inputSize, seed, newUpdater, l2, weightDecay, dropout, loss, width);
  }

  public ArchitectureOptions withDropout(Double newDropout) {
    return new ArchitectureOptions(classes, inputSize, seed, updater, l2, weightDecay, newDropout, loss, width);
  }

  public ArchitectureOptions withRegularisation(double newL2, double newWeightDecay) {
    return new ArchitectureOptions(classes, inputSize, seed, updater, newL2, newWeightDecay, dropout, loss, width);
  }

  public ArchitectureOptions withSeed(long newSeed) {
    return new ArchitectureOptions(classes, inputSize, newSeed, updater, l2, weightDecay, dropout, loss, width);
  }

  public ArchitectureOptions withInputSize(int newInputSize) {
    return new ArchitectureOptions(classes, newInputSize, seed, updater, l2, weightDecay, dropout, loss, width);
  }

  public ArchitectureOptions withLoss(ILossFunction newLoss) {
    return new ArchitectureOptions(classes, inputSize, seed, updater, l2, weightDecay, dropout, newLoss, width);
  }

  public ArchitectureOptions withWidth(double newWidth) {
    return new ArchitectureOptions(classes, inputSize, seed, updater, l2, weightDecay, dropout, loss, newWidth);
  }

  /** {@code channels} scaled by {@link #width}, rounded, at least 1. */
  int scaled(int channels) {
    return Math.max(1, (int) Math.round(channels * width));
  }

  /** Throws unless {@link #width} is 1: for architectures whose channel counts are fixed (a paper's exact net). */
  void requireUnitWidth(String arch) {
    if (width != 1) {
      throw new IllegalArgumentException(arch + " has fixed channel counts: width must be 1, got " + width
          + " (vgg-bn can be widened)");
    }
  }

  /** The output layer's loss: the configured one, else plain multi-class cross-entropy. */
  ILossFunction lossOrCrossEntropy() {
    return loss != null ? loss : new LossMCXENT();
  }

  /** The updater to use: the configured one, else {@code architectureDefault}. */
  IUpdater updaterOr(IUpdater architectureDefault) {
    return updater != null ? updater : architectureDefault;
  }

  /** The drop probability to use: the configured one, else {@code architectureDefault}. */
  double dropoutOr(double architectureDefault) {
    return dropout != null ? dropout : architectureDefault;
  }
}
