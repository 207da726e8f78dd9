package org.ferspark.model.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.net.BatchNormStatistics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Averages the weights of several networks of one architecture into one network: stochastic weight averaging of a
 * run's last checkpoints (Izmailov et al. 2018) or a uniform "model soup" of runs fine-tuned from one parent
 * (Wortsman et al. 2022). The result is one network of the same size and speed, not an ensemble. Averaging only
 * makes sense for networks that share a basin (checkpoints of one run, or runs started from one model); networks
 * trained from different random starts average into noise, which the validation figures then show.
 *
 * <p>Batch-norm running statistics are not averaged meaningfully: {@link #reestimateBatchNorm} recomputes them for
 * the averaged weights from training faces. Spark-free.
 */
public final class WeightAveraging {

  private WeightAveraging() {
  }

  /**
   * The uniform average of {@code nets}' parameters, as a new network with the first one's configuration.
   *
   * @param names the networks' names for error messages (their files), same order
   * @throws IllegalArgumentException for fewer than two networks, or networks whose layers or parameter shapes differ
   */
  public static ComputationGraph average(List<ComputationGraph> nets, List<String> names) {
    if (nets.size() < 2) {
      throw new IllegalArgumentException("averaging needs at least two networks, got " + nets.size());
    }
    ComputationGraph first = nets.get(0);
    for (int i = 1; i < nets.size(); i++) {
      requireSameShape(first, nets.get(i), names.get(0), names.get(i));
    }
    INDArray sum = first.params().castTo(DataType.DOUBLE);
    for (int i = 1; i < nets.size(); i++) {
      sum.addi(nets.get(i).params().castTo(DataType.DOUBLE));
    }
    ComputationGraph avg = first.clone();
    avg.setParams(sum.divi(nets.size()).castTo(first.params().dataType()));
    return avg;
  }

  /**
   * Re-estimates every batch-norm layer's running statistics of {@code net} in place from up to {@code faces}
   * faces of {@code data} (drawn without replacement with {@code seed}; 0 or more than the data = all), as plain
   * {@code x / 255} inputs without augmentation, the inputs inference sees.
   */
  public static BatchNormStatistics.Report reestimateBatchNorm(ComputationGraph net, TensorDataset data, int faces,
      long seed, int batch, int size) {
    int n = faces <= 0 ? data.size() : Math.min(faces, data.size());
    int[] order = sample(data.size(), n, seed);
    Batches plain = new Batches(size, data.classes(), 0, null);
    return BatchNormStatistics.reestimate(net, () -> new java.util.Iterator<INDArray>() {
      private int from;

      @Override
      public boolean hasNext() {
        return from < order.length;
      }

      @Override
      public INDArray next() {
        int to = Math.min(order.length, from + batch);
        INDArray x = plain.of(data, order, from, to, null).getFeatures();
        from = to;
        return x;
      }
    });
  }

  /** The first {@code n} of a seeded permutation of {@code 0..size-1}, sorted (reads stay in file order). */
  static int[] sample(int size, int n, long seed) {
    int[] all = new int[size];
    Arrays.setAll(all, i -> i);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(size - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] picked = Arrays.copyOf(all, n);
    Arrays.sort(picked);
    return picked;
  }

  private static void requireSameShape(ComputationGraph a, ComputationGraph b, String nameA, String nameB) {
    List<String> la = layerNames(a);
    List<String> lb = layerNames(b);
    if (!la.equals(lb)) {
      throw new IllegalArgumentException(nameB + " has layers " + lb + ", " + nameA + " has " + la
          + "; only networks of one architecture can be averaged");
    }
    for (String layer : la) {
      Map<String, INDArray> pa = a.getLayer(layer).paramTable();
      Map<String, INDArray> pb = b.getLayer(layer).paramTable();
      if (!pa.keySet().equals(pb.keySet())) {
        throw new IllegalArgumentException("layer '" + layer + "': " + nameB + " has parameters " + pb.keySet()
            + ", " + nameA + " has " + pa.keySet());
      }
      for (Map.Entry<String, INDArray> e : pa.entrySet()) {
        long[] sa = e.getValue().shape();
        long[] sb = pb.get(e.getKey()).shape();
        if (!Arrays.equals(sa, sb)) {
          throw new IllegalArgumentException("layer '" + layer + "' parameter " + e.getKey() + ": " + nameB
              + " has shape " + Arrays.toString(sb) + ", " + nameA + " has " + Arrays.toString(sa)
              + "; only networks of one architecture and width can be averaged");
        }
      }
    }
  }

  private static List<String> layerNames(ComputationGraph g) {
    List<String> names = new ArrayList<>();
    for (Layer l : g.getLayers()) {
      names.add(l.conf().getLayer().getLayerName());
    }
    return names;
  }
}
