package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * {@link FastBatchNorm} computes what DL4J's own batch-norm paths compute: one layer against the oneDNN helper and
 * a double-precision reference, and whole training steps (loss, gradients, updated parameters, running statistics)
 * against the oneDNN helper and DL4J's built-in path.
 *
 * <p>The network test uses average pooling: with max pooling, a last-bit difference between two float paths can
 * move a pooling window's argmax and with it the gradient of that window, so any two implementations (DL4J's own
 * two included) differ by about 1 % in the early layers' gradients of vgg-bn — not a property of either.
 */
class FastBatchNormTest {
  @Test
  void oneLayerMatchesTheOneDnnHelperAndTheTextbookFormulaInDoublePrecision() {
    int n = 6;
    int c = 5;
    int h = 7;
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.rand(DataType.FLOAT, n, c, h, h).muli(4).addi(1.5);
    INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, c).addi(0.5);
    INDArray beta = Nd4j.rand(DataType.FLOAT, 1, c);
    INDArray dy = Nd4j.randn(DataType.FLOAT, n, c, h, h);
    FastBatchNorm fast = new FastBatchNorm();
    MKLDNNBatchNormHelper onednn = new MKLDNNBatchNormHelper(DataType.FLOAT);
    LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();

    INDArray yFast = fast.preOutput(x, true, x.shape(), gamma, beta, null, null, 0.9, 1e-5, CNN2DFormat.NCHW, ws);
    INDArray yDnn = onednn.preOutput(x, true, x.shape(), gamma, beta, null, null, 0.9, 1e-5, CNN2DFormat.NCHW, ws);
    INDArray dgFast = Nd4j.zeros(DataType.FLOAT, 1, c);
    INDArray dbFast = Nd4j.zeros(DataType.FLOAT, 1, c);
    INDArray dxFast = fast.backpropGradient(x, dy, x.shape(), gamma, beta, dgFast, dbFast, 1e-5, CNN2DFormat.NCHW, ws)
        .getSecond();
    INDArray dgDnn = Nd4j.zeros(DataType.FLOAT, 1, c);
    INDArray dbDnn = Nd4j.zeros(DataType.FLOAT, 1, c);
    INDArray dxDnn = onednn.backpropGradient(x, dy, x.shape(), gamma, beta, dgDnn, dbDnn, 1e-5, CNN2DFormat.NCHW, ws)
        .getSecond();

    Reference ref = new Reference(x, gamma, beta, dy, 1e-5);
    assertRelative(yFast, ref.y, 1e-6, "output vs double precision");
    assertRelative(dxFast, ref.dx, 1e-6, "input gradient vs double precision");
    assertRelative(dgFast, ref.dGamma, 1e-6, "gamma gradient vs double precision");
    assertRelative(dbFast, ref.dBeta, 1e-6, "beta gradient vs double precision");
    assertRelative(fast.getMeanCache(DataType.FLOAT), ref.mean, 1e-6, "batch mean");
    assertRelative(fast.getVarCache(DataType.FLOAT), ref.var, 1e-6, "batch variance (population)");
    assertRelative(yFast, yDnn, 1e-5, "output vs oneDNN helper");
    assertRelative(dxFast, dxDnn, 1e-5, "input gradient vs oneDNN helper");
    assertRelative(dgFast, dgDnn, 1e-5, "gamma gradient vs oneDNN helper");
    assertRelative(dbFast, dbDnn, 1e-5, "beta gradient vs oneDNN helper");

    INDArray mean = Nd4j.rand(DataType.FLOAT, 1, c);
    INDArray var = Nd4j.rand(DataType.FLOAT, 1, c).addi(0.1);
    assertRelative(fast.preOutput(x, false, x.shape(), gamma, beta, mean, var, 0.9, 1e-5, CNN2DFormat.NCHW, ws),
        onednn.preOutput(x, false, x.shape(), gamma, beta, mean, var, 0.9, 1e-5, CNN2DFormat.NCHW, ws), 1e-5,
        "inference with running statistics");
  }

  @Test
  void declinesWhatItDoesNotImplementSoDl4jUsesItsOwnPath() {
    FastBatchNorm fast = new FastBatchNorm();
    LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
    INDArray g = Nd4j.ones(DataType.FLOAT, 1, 3);
    INDArray b = Nd4j.zeros(DataType.FLOAT, 1, 3);
    assertThat(fast.preOutput(Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 4), true, new long[] {2, 3, 4, 4}, g, b, null,
        null, 0.9, 1e-5, CNN2DFormat.NCHW, ws)).as("double").isNull();
    assertThat(fast.preOutput(Nd4j.rand(DataType.FLOAT, 2, 4, 4, 3), true, new long[] {2, 4, 4, 3}, g, b, null,
        null, 0.9, 1e-5, CNN2DFormat.NHWC, ws)).as("NHWC").isNull();
    assertThat(fast.backpropGradient(Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4), Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4),
        new long[] {2, 3, 4, 4}, g, b, g.dup(), b.dup(), 1e-5, CNN2DFormat.NCHW, ws))
        .as("backprop without a forward pass").isNull();
  }

  @Test
  void trainingStepsEqualTheOneDnnHelperAndTheBuiltInPath() throws Exception {
    ComputationGraph fast = network();
    ComputationGraph onednn = network();
    ComputationGraph builtIn = network();
    assertThat(FastBatchNorm.install(fast)).isEqualTo(3);
    assertThat(FastBatchNorm.install(fast)).as("installing twice changes nothing").isEqualTo(3);
    stripBatchNormHelpers(builtIn);
    assertThat(helperOf(fast)).isInstanceOf(FastBatchNorm.class);
    assertThat(helperOf(onednn)).isInstanceOf(MKLDNNBatchNormHelper.class);
    assertThat(helperOf(builtIn)).isNull();

    Nd4j.getRandom().setSeed(12);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 4);
    for (int i = 0; i < 16; i++) {
      labels.putScalar(i, i % 4, 1);
    }
    DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 16, 1, 16, 16), labels);
    for (int step = 0; step < 3; step++) {
      for (ComputationGraph g : new ComputationGraph[] {fast, onednn, builtIn}) {
        g.setInputs(batch.getFeatures());
        g.setLabels(batch.getLabels());
        g.computeGradientAndScore();
      }
      for (String p : fast.gradient().gradientForVariable().keySet()) {
        INDArray gf = fast.gradient().gradientForVariable().get(p);
        assertRelative(gf, onednn.gradient().gradientForVariable().get(p), 1e-4, "step " + step + " gradient " + p
            + " vs oneDNN");
        assertRelative(gf, builtIn.gradient().gradientForVariable().get(p), 1e-4, "step " + step + " gradient " + p
            + " vs built-in");
      }
      assertThat(fast.score()).isCloseTo(onednn.score(), org.assertj.core.api.Assertions.within(1e-5));
      for (ComputationGraph g : new ComputationGraph[] {fast, onednn, builtIn}) {
        g.fit(batch);
      }
      assertRelative(fast.params(), onednn.params(), 1e-5, "parameters and running statistics after step " + step);
      assertRelative(fast.params(), builtIn.params(), 1e-5, "parameters and running statistics after step " + step);
    }
  }

  @Test
  void theFusedReluGivesTheUnfusedPathsValuesExactly() {
    ComputationGraph fused = network();
    ComputationGraph unfused = network();
    assertThat(FastBatchNorm.install(fused)).isEqualTo(3);
    assertThat(FastBatchNorm.install(unfused, false)).isEqualTo(3);
    Layer relu = fused.getLayer("r1");
    assertThat(relu).isInstanceOf(FastRelu.class);
    assertThat(FastBatchNorm.install(fused)).as("installing twice changes nothing").isEqualTo(3);
    assertThat(fused.getLayer("r1")).isSameAs(relu);
    assertThat(FastBatchNorm.fusedRelus(fused)).isEqualTo(3);
    assertThat(FastBatchNorm.fusedRelus(unfused)).isZero();
    assertThat(unfused.getLayer("r1").getClass()).isEqualTo(org.deeplearning4j.nn.layers.ActivationLayer.class);

    Nd4j.getRandom().setSeed(21);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 4);
    for (int i = 0; i < 16; i++) {
      labels.putScalar(i, i % 4, 1);
    }
    DataSet batch = new DataSet(Nd4j.randn(DataType.FLOAT, 16, 1, 16, 16), labels);
    for (int step = 0; step < 3; step++) {
      for (ComputationGraph g : new ComputationGraph[] {fused, unfused}) {
        g.setInputs(batch.getFeatures());
        g.setLabels(batch.getLabels());
        g.computeGradientAndScore();
      }
      assertThat(fused.score()).as("step %d loss", step).isEqualTo(unfused.score());
      for (String p : unfused.gradient().gradientForVariable().keySet()) {
        assertIdentical(fused.gradient().gradientForVariable().get(p), unfused.gradient().gradientForVariable().get(p),
            "step " + step + " gradient " + p);
      }
      fused.fit(batch);
      unfused.fit(batch);
      assertIdentical(fused.params(), unfused.params(), "parameters and running statistics after step " + step);
    }
    assertIdentical(fused.outputSingle(false, batch.getFeatures()), unfused.outputSingle(false, batch.getFeatures()),
        "inference");
    assertThat(fused.feedForward(batch.getFeatures(), true).get("bn1").minNumber().doubleValue())
        .as("the batch norm applies the ReLU").isGreaterThanOrEqualTo(0);
    assertThat(unfused.feedForward(batch.getFeatures(), true).get("bn1").minNumber().doubleValue())
        .as("without fusion it does not").isLessThan(0);
  }

  @Test
  void vggBnStepsWithTheFusedReluEqualTheUnfusedOnesAndPaperCnnHasNothingToFuse() {
    ComputationGraph fused = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    ComputationGraph unfused = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    assertThat(FastBatchNorm.install(fused)).isEqualTo(8);
    assertThat(FastBatchNorm.fusedRelus(fused)).isEqualTo(8);
    FastBatchNorm.install(unfused, false);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 7);
    for (int i = 0; i < 8; i++) {
      labels.putScalar(i, i % 7, 1);
    }
    Nd4j.getRandom().setSeed(6);
    DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 48, 48), labels);
    for (int step = 0; step < 2; step++) {
      for (ComputationGraph g : new ComputationGraph[] {fused, unfused}) {
        Nd4j.getRandom().setSeed(100 + step); // the same dropout masks for both
        g.fit(batch);
      }
      assertThat(fused.score()).as("step %d loss", step).isEqualTo(unfused.score());
      assertIdentical(fused.params(), unfused.params(), "vgg-bn parameters and running statistics after step " + step);
    }
    assertIdentical(fused.outputSingle(false, batch.getFeatures()), unfused.outputSingle(false, batch.getFeatures()),
        "vgg-bn inference");

    ComputationGraph paper = Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
    assertThat(FastBatchNorm.install(paper)).isZero();
    assertThat(FastBatchNorm.fusedRelus(paper)).isZero();
  }

  @Test
  void aVggBnTrainedWithItSavesLoadsAndFoldsAsAnyOther(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    ComputationGraph net = Architectures.build("vgg-bn", ArchitectureOptions.defaults(7));
    assertThat(FastBatchNorm.install(net)).isEqualTo(8);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 7);
    for (int i = 0; i < 8; i++) {
      labels.putScalar(i, i % 7, 1);
    }
    Nd4j.getRandom().setSeed(4);
    INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 48, 48);
    for (int step = 0; step < 3; step++) {
      net.fit(new DataSet(x, labels));
    }
    INDArray trained = net.outputSingle(false, x);
    java.nio.file.Path file = tmp.resolve("fast.zip");
    org.ferspark.model.io.ModelFile.save(net, org.ferspark.model.io.ModelMetadata.of(
        org.ferspark.preprocessing.dataset.Emotion.labelNames(7), "vgg-bn", Map.of(), "fp"), file, false);

    ComputationGraph loaded = org.ferspark.model.io.ModelFile.load(file, false).graph();
    assertThat(loaded.getLayer("s1_1_bn").getHelper()).as("a loaded model runs DL4J's own helper")
        .isInstanceOf(MKLDNNBatchNormHelper.class);
    assertThat(loaded.getLayer("s1_1_relu").getClass()).as("and DL4J's own activation layer")
        .isEqualTo(org.deeplearning4j.nn.layers.ActivationLayer.class);
    assertRelative(loaded.outputSingle(false, x), trained, 1e-5, "loaded model, inference");
    assertRelative(BatchNormFolding.fold(loaded).outputSingle(false, x), trained, 1e-4, "folded model, inference");
  }

  /** conv-BN-ReLU x3 with average pooling, SGD (an update proportional to the gradient). */
  private static ComputationGraph network() {
    return TestNets.convBnRelu(new Sgd(0.1));
  }

  private static Object helperOf(ComputationGraph g) {
    return g.getLayer("bn1").getHelper();
  }

  private static void stripBatchNormHelpers(ComputationGraph g) throws Exception {
    Field f = org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
    f.setAccessible(true);
    for (Layer l : g.getLayers()) {
      if (l instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
        f.set(l, null);
      }
    }
  }

  /** The same float values ({@code 0 == -0}). */
  private static void assertIdentical(INDArray actual, INDArray expected, String what) {
    float[] a = actual.dup().data().asFloat();
    float[] e = expected.dup().data().asFloat();
    assertThat(a.length).as("%s: length", what).isEqualTo(e.length);
    int differing = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != e[i] && !(Float.isNaN(a[i]) && Float.isNaN(e[i]))) {
        differing++;
      }
    }
    assertThat(differing).as("%s: elements that differ, of %d", what, a.length).isZero();
  }

  private static void assertRelative(INDArray actual, INDArray expected, double tolerance, String what) {
    TestNets.assertRelative(actual, expected, tolerance, what);
  }


  /** Batch norm in training mode, forward and backward, in double precision from the textbook formulas. */
  private static final class Reference {
    final INDArray y;
    final INDArray dx;
    final INDArray dGamma;
    final INDArray dBeta;
    final INDArray mean;
    final INDArray var;

    Reference(INDArray xf, INDArray gammaF, INDArray betaF, INDArray dyF, double eps) {
      INDArray x = xf.castTo(DataType.DOUBLE);
      INDArray dy = dyF.castTo(DataType.DOUBLE);
      long n = x.size(0);
      long c = x.size(1);
      long hw = x.size(2) * x.size(3);
      double m = n * hw;
      y = Nd4j.create(DataType.DOUBLE, x.shape());
      dx = Nd4j.create(DataType.DOUBLE, x.shape());
      dGamma = Nd4j.create(DataType.DOUBLE, c);
      dBeta = Nd4j.create(DataType.DOUBLE, c);
      mean = Nd4j.create(DataType.DOUBLE, c);
      var = Nd4j.create(DataType.DOUBLE, c);
      for (long ch = 0; ch < c; ch++) {
        double sum = 0;
        for (long i = 0; i < n; i++) {
          for (long k = 0; k < hw; k++) {
            sum += x.getDouble(i, ch, k / x.size(3), k % x.size(3));
          }
        }
        double mu = sum / m;
        double sq = 0;
        for (long i = 0; i < n; i++) {
          for (long k = 0; k < hw; k++) {
            double d = x.getDouble(i, ch, k / x.size(3), k % x.size(3)) - mu;
            sq += d * d;
          }
        }
        double v = sq / m;
        double inv = 1 / Math.sqrt(v + eps);
        double g = gammaF.getDouble(0, ch);
        double sumDy = 0;
        double sumDyXhat = 0;
        for (long i = 0; i < n; i++) {
          for (long k = 0; k < hw; k++) {
            long[] at = {i, ch, k / x.size(3), k % x.size(3)};
            double xhat = (x.getDouble(at) - mu) * inv;
            y.putScalar(at, g * xhat + betaF.getDouble(0, ch));
            sumDy += dy.getDouble(at);
            sumDyXhat += dy.getDouble(at) * xhat;
          }
        }
        for (long i = 0; i < n; i++) {
          for (long k = 0; k < hw; k++) {
            long[] at = {i, ch, k / x.size(3), k % x.size(3)};
            double xhat = (x.getDouble(at) - mu) * inv;
            dx.putScalar(at, g * inv * (dy.getDouble(at) - sumDy / m - xhat * sumDyXhat / m));
          }
        }
        dGamma.putScalar(ch, sumDyXhat);
        dBeta.putScalar(ch, sumDy);
        mean.putScalar(ch, mu);
        var.putScalar(ch, v);
      }
    }
  }
}
