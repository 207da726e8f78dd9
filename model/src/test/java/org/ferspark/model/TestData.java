package org.ferspark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded random 48×48 grayscale batches for network tests. */
public final class TestData {
  private TestData() {
  }

  /** {@code n} images {@code [n, 1, 48, 48]}, uniform in [0, 1). */
  public static INDArray images(int n, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, n, 1, 48, 48);
  }

  /** {@code n} images labelled 0, 1, …, 6, 0, … one-hot. */
  public static DataSet batch(int n, long seed) {
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, 7);
    for (int i = 0; i < n; i++) {
      y.putScalar(i, i % 7, 1.0);
    }
    return new DataSet(images(n, seed), y);
  }
}
