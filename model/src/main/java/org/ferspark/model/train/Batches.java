package org.ferspark.model.train;

import java.util.SplittableRandom;
import org.ferspark.preprocessing.image.Augmenter;
import org.ferspark.preprocessing.image.Tensors;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns raw faces into DL4J minibatches: ONE {@code float[]} per batch ({@code x / 255}, shape
 * {@code [n, 1, size, size]}) and one-hot labels, optionally smoothed; optionally augmented on the fly. Never one
 * INDArray per image, never a heap {@code ByteBuffer} (deeplearning4j#10214). Spark-free, so executors use it too.
 */
public final class Batches {
  private final int size;
  private final int classes;
  private final double labelSmoothing;
  private final Augmenter augmenter;

  /**
   * @param augmenter online augmentation, or {@code null} for none
   */
  public Batches(int size, int classes, double labelSmoothing, Augmenter augmenter) {
    if (labelSmoothing < 0 || labelSmoothing >= 1) {
      throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
    }
    this.size = size;
    this.classes = classes;
    this.labelSmoothing = labelSmoothing;
    this.augmenter = augmenter;
  }

  /** A batch of faces {@code order[from..to)} of {@code data}; {@code rng} drives augmentation (may be null without). */
  public DataSet of(TensorDataset data, int[] order, int from, int to, SplittableRandom rng) {
    int n = to - from;
    byte[][] faces = new byte[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      faces[i] = data.pixels(order[from + i]);
      labels[i] = data.label(order[from + i]);
    }
    return of(faces, labels, n, rng);
  }

  /** A batch of the first {@code n} faces and labels. */
  public DataSet of(byte[][] faces, int[] labels, int n, SplittableRandom rng) {
    int pixels = size * size;
    float[] x = new float[n * pixels];
    float[] y = new float[n * classes];
    float off = (float) (labelSmoothing / classes);
    float on = (float) (1 - labelSmoothing) + off;
    for (int i = 0; i < n; i++) {
      byte[] face = augmenter == null ? faces[i] : augmenter.augment(faces[i], rng).pixels();
      Tensors.toUnitFloats(face, x, i * pixels);
      if (labelSmoothing > 0) {
        java.util.Arrays.fill(y, i * classes, (i + 1) * classes, off);
      }
      y[i * classes + labels[i]] = on;
    }
    return new DataSet(Nd4j.create(x, new long[] {n, 1, size, size}), Nd4j.create(y, new long[] {n, classes}));
  }
}
