package org.ferspark.model.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.TestData;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.FastBatchNorm;
import org.ferspark.model.net.OneDnn;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Times vgg-bn training steps ({@code fit} of one batch) with {@code FastBatchNorm} and its fused ReLU against
 * {@code FastBatchNorm} followed by DL4J's activation layers, in one JVM: 3 warm-up rounds, then rounds of one step
 * each in alternating order (ABBA); prints the median per-round ratio fused / unfused, which a machine's changing
 * load moves far less than the absolute times. A benchmark, not a test. Run with the test classpath and the surefire
 * JVM flags, e.g. {@code taskset -c 0,1 java $OPENS -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp ...
 * org.ferspark.model.bench.FusedReluTiming 24 64} (rounds, batch).
 */
public final class FusedReluTiming {
  private FusedReluTiming() {
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 24;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    OneDnn.enable();
    ComputationGraph fused = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    ComputationGraph unfused = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    FastBatchNorm.install(fused, true);
    FastBatchNorm.install(unfused, false);
    DataSet data = TestData.batch(batch, 1);
    List<Double> ratios = new ArrayList<>();
    double[][] ms = new double[2][rounds];
    for (int r = -3; r < rounds; r++) {
      double[] t = new double[2];
      for (int k = 0; k < 2; k++) {
        int v = (r & 1) == 0 ? k : 1 - k;
        long t0 = System.nanoTime();
        (v == 0 ? fused : unfused).fit(data);
        t[v] = (System.nanoTime() - t0) / 1e6;
      }
      if (r >= 0) {
        ms[0][r] = t[0];
        ms[1][r] = t[1];
        ratios.add(t[0] / t[1]);
      }
    }
    System.out.println(OneDnn.describe());
    System.out.printf(Locale.ROOT, "vgg-bn batch %d, %d rounds: median ms per step fused %.1f, unfused %.1f; "
        + "median paired ratio fused/unfused %.3f%n", batch, rounds, median(ms[0]), median(ms[1]),
        median(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
