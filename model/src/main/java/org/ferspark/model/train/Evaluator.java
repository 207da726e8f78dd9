package org.ferspark.model.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Scores a network in inference mode (no dropout, batch norm on running statistics) on images of a
 * {@link TensorDataset}: mean plain cross-entropy {@code -log p(true class)} and accuracy. Plain cross-entropy
 * whatever the training loss, so early stopping compares the same number across balance modes.
 */
public final class Evaluator {
  private static final double EPS = 1e-7;

  private Evaluator() {
  }

  /** Loss and accuracy of a pass over the images. */
  public record Score(double loss, double accuracy, int images) {
  }

  /** Scores images {@code indices} (all when null) of {@code data} in batches of {@code batch}. */
  public static Score evaluate(ComputationGraph net, TensorDataset data, int[] indices, int batch, int size) {
    int[] order = indices != null ? indices : java.util.stream.IntStream.range(0, data.size()).toArray();
    Batches plain = new Batches(size, data.classes(), 0, null);
    double loss = 0;
    long correct = 0;
    for (int from = 0; from < order.length; from += batch) {
      int to = Math.min(order.length, from + batch);
      DataSet ds = plain.of(data, order, from, to, null);
      INDArray p = net.outputSingle(false, ds.getFeatures());
      float[][] probs = p.toFloatMatrix();
      for (int i = 0; i < probs.length; i++) {
        int y = data.label(order[from + i]);
        loss -= Math.log(Math.max(EPS, probs[i][y]));
        int best = 0;
        for (int c = 1; c < probs[i].length; c++) {
          if (probs[i][c] > probs[i][best]) {
            best = c;
          }
        }
        correct += best == y ? 1 : 0;
      }
    }
    return new Score(loss / order.length, (double) correct / order.length, order.length);
  }
}
