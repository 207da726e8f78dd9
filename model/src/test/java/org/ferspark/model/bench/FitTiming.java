package org.ferspark.model.bench;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.TestData;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.OneDnn;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Times single-JVM {@code fit} of one architecture on random data: 2 warm-ups, then the median of 5. A benchmark,
 * not a test. Run with the test classpath and the surefire JVM flags, e.g.
 * {@code java $OPENS -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp ... org.ferspark.model.bench.FitTiming
 * paper-cnn 64}; pass {@code =true} to time DL4J's built-in im2col path instead.
 */
public final class FitTiming {
  private FitTiming() {
  }

  public static void main(String[] args) {
    String arch = args.length > 0 ? args[0] : "paper-cnn";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    ComputationGraph graph = Architectures.build(arch, ArchitectureOptions.defaults(7));
    DataSet data = TestData.batch(batch, 1);
    for (int i = 0; i < 2; i++) {
      graph.fit(data);
    }
    double[] seconds = new double[5];
    for (int i = 0; i < seconds.length; i++) {
      long t0 = System.nanoTime();
      graph.fit(data);
      seconds[i] = (System.nanoTime() - t0) / 1e9;
    }
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    System.out.println(OneDnn.describe());
    System.out.printf(Locale.ROOT, "arch=%s batch=%d oneDNN helpers active=%s helpers=%s%n", arch, batch,
        OneDnn.helpersActive(graph), OneDnn.convHelpers(graph));
    System.out.printf(Locale.ROOT, "fit s/batch: %s -> median %.3f s = %.1f img/s%n",
        Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 1000) / 1000.0).toArray()), median,
        batch / median);
  }
}
