package org.ferspark.model.net;

import java.lang.reflect.Field;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training-time batch-normalisation helper for DL4J's {@link BatchNormalization} layer (float, NCHW): the batch
 * statistics in one pass over the input, the normalised output in a second, and the backward pass in two passes
 * with the closed-form gradient {@code dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂))} — instead of DL4J's oneDNN
 * helper, which takes a mean pass, a separate variance pass, oneDNN's inference-mode primitive and, in backprop,
 * about ten more full-tensor ND4J operations ({@code shared/notes/dl4j-training-speed.md}, lever 2).
 *
 * <p>It is a runtime object, not part of the network or model file: {@link #install} sets it on the layers of a
 * network about to be trained; files, batch-norm folding and inference are unchanged. DL4J keeps doing the rest: it
 * takes the batch mean and variance from {@link #getMeanCache}/{@link #getVarCache} to update the running
 * statistics. Sums run in double precision (DL4J's own path sums in float); {@code FastBatchNormTest} checks one
 * training step against DL4J's built-in and oneDNN paths. Anything else (other data types, NHWC, rank 2) is
 * declined with {@code null}, which sends DL4J to its built-in path, in the forward and the backward pass alike.
 *
 * <p>In a graph, {@link #install} also fuses the ReLU activation layer that is a batch norm's only consumer (vgg-bn's
 * conv → BN → ReLU): the output pass writes {@code max(0, y)} and {@link FastRelu}, set in place of the activation
 * layer, hands it on, saving DL4J's copies of the activation layer's input; the values stay exactly those of this
 * helper followed by DL4J's activation layer.
 */
public final class FastBatchNorm implements BatchNormalizationHelper {
  private static final Field HELPER = field(BatchNormalization.class, "helper");
  private static final Field VERTEX_LAYER = field(LayerVertex.class, "layer");

  private final boolean relu;
  /** Set on the replicas of a data-parallel step ({@link #synchronize}): batch statistics over all replicas. */
  private volatile Sync sync;
  private long batchCount;
  private INDArray meanCache;
  private INDArray varCache;
  private INDArray reluOutput;

  /** A helper for a batch-norm layer alone. */
  public FastBatchNorm() {
    this(false);
  }

  /** {@code relu}: the output is {@code max(0, y)}, for the {@link FastRelu} that follows the layer. */
  FastBatchNorm(boolean relu) {
    this.relu = relu;
  }

  /**
   * Sets a {@code FastBatchNorm} on every batch-normalisation layer of {@code model} (a {@link ComputationGraph} or a
   * {@code MultiLayerNetwork}) that does not have one yet, and in a graph puts {@link FastRelu} in place of a plain
   * ReLU activation layer that is such a layer's only consumer, the batch norm then applying the ReLU itself; returns
   * the number of batch-norm layers it is now on. Installing twice changes nothing.
   */
  public static int install(Model model) {
    return install(model, true);
  }

  /**
   * As {@link #install(Model)}; {@code fuseRelu = false} leaves the activation layers as they are (DL4J's own, the
   * behaviour before the fusion; for A/B timing and tests).
   */
  public static int install(Model model, boolean fuseRelu) {
    if (model instanceof ComputationGraph g) {
      int on = 0;
      for (GraphVertex v : g.getVertices()) {
        if (v.hasLayer() && v.getLayer() instanceof BatchNormalization bn) {
          if (!(bn.getHelper() instanceof FastBatchNorm)) {
            LayerVertex relu = fuseRelu ? reluConsumer(g, v) : null;
            FastBatchNorm helper = new FastBatchNorm(relu != null);
            setHelper(bn, helper);
            if (relu != null) {
              replaceLayer(g, relu, new FastRelu(relu.getLayer().conf(), g.getConfiguration().getDataType(), helper));
            }
          }
          on++;
        }
      }
      return on;
    }
    int on = 0;
    for (Layer layer : ((org.deeplearning4j.nn.multilayer.MultiLayerNetwork) model).getLayers()) {
      if (layer instanceof BatchNormalization bn) {
        if (!(bn.getHelper() instanceof FastBatchNorm)) {
          setHelper(bn, new FastBatchNorm(false));
        }
        on++;
      }
    }
    return on;
  }

  /** The number of activation layers of {@code graph} whose ReLU a {@code FastBatchNorm} applies. */
  public static int fusedRelus(ComputationGraph graph) {
    return (int) java.util.Arrays.stream(graph.getLayers()).filter(l -> l instanceof FastRelu).count();
  }

  /**
   * The vertex of {@code bnVertex}'s only consumer when that is a DL4J ReLU activation layer {@link FastRelu} computes
   * exactly (no pre-processor, not a network output, batch norm not an output either); else null.
   */
  private static LayerVertex reluConsumer(ComputationGraph g, GraphVertex bnVertex) {
    VertexIndices[] outs = bnVertex.getOutputVertices();
    List<String> outputs = g.getConfiguration().getNetworkOutputs();
    if (outs == null || outs.length != 1 || outputs.contains(bnVertex.getVertexName())) {
      return null;
    }
    GraphVertex next = g.getVertices()[outs[0].getVertexIndex()];
    return next instanceof LayerVertex lv && lv.getLayerPreProcessor() == null && !outputs.contains(lv.getVertexName())
        && lv.getLayer().getClass() == org.deeplearning4j.nn.layers.ActivationLayer.class
        && FastRelu.replaces(lv.getLayer().conf()) ? lv : null;
  }

  private static void replaceLayer(ComputationGraph g, LayerVertex vertex, Layer replacement) {
    Layer old = vertex.getLayer();
    replacement.setIndex(old.getIndex());
    replacement.setListeners(old.getListeners());
    Layer[] layers = g.getLayers();
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] == old) {
        layers[i] = replacement;
      }
    }
    try {
      VERTEX_LAYER.set(vertex, replacement);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot replace the layer of vertex " + vertex.getVertexName(), e);
    }
  }

  private static void setHelper(BatchNormalization bn, FastBatchNorm helper) {
    try {
      HELPER.set(bn, helper);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot set the batch-norm helper of " + bn.conf().getLayer().getLayerName(), e);
    }
  }

  /** Whether {@code x} is the output of this helper's last forward pass, with the ReLU applied. */
  boolean appliedReluTo(INDArray x) {
    return x != null && x == reluOutput;
  }

  @Override
  public boolean checkSupported(double eps, boolean fixedGammaBeta) {
    return !fixedGammaBeta;
  }

  @Override
  public boolean checkSupported() {
    return true;
  }

  @Override
  public Map<String, Long> helperMemoryUse() {
    return Collections.emptyMap();
  }

  @Override
  public INDArray getMeanCache(DataType dataType) {
    return meanCache;
  }

  @Override
  public INDArray getVarCache(DataType dataType) {
    return varCache;
  }

  private static boolean supported(INDArray x, CNN2DFormat format) {
    return x.dataType() == DataType.FLOAT && x.rank() == 4 && format == CNN2DFormat.NCHW;
  }

  @Override
  public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
      INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
    reluOutput = null;
    if (!supported(x, format) || gamma == null || beta == null) {
      return null;
    }
    x = dense(x);
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    int hw = (int) (x.size(2) * x.size(3));
    float[] g = gamma.reshape(c).toFloatVector();
    float[] b = beta.reshape(c).toFloatVector();
    float[] mu;
    float[] variance;
    // the passes run over heap copies (bulk copies in and out), loops C2 compiles to vector code; over the direct
    // FloatBuffer every element was a bounds-checked Unsafe access (issue 12: 22 % of a vgg-bn step before)
    Scratch buf = SCRATCH.get();
    float[] in = buf.in(n * c * hw);
    Sync together = training ? synced() : null;
    copyIn(x, in, n, c * hw, together == null);
    if (training) {
      double[][] stats = new double[c][];
      channels(c, together).forEach(ch -> stats[ch] = sums(in, null, n, c, hw, ch));
      double count = (double) n * hw;
      if (together != null) {
        // synchronised batch norm: the statistics of the whole minibatch, summed over the replicas in a fixed order
        double[] all = together.allReduce(pack(stats, count), true);
        unpack(all, stats);
        count = all[2 * c];
      }
      batchCount = (long) count;
      mu = new float[c];
      variance = new float[c];
      for (int ch = 0; ch < c; ch++) {
        double m = stats[ch][0] / count;
        mu[ch] = (float) m;
        variance[ch] = (float) Math.max(0, stats[ch][1] / count - m * m);
      }
      if (meanCache == null || meanCache.length() != c) {
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          meanCache = Nd4j.create(DataType.FLOAT, c);
          varCache = Nd4j.create(DataType.FLOAT, c);
        }
      }
      for (int ch = 0; ch < c; ch++) {
        meanCache.putScalar(ch, mu[ch]);
        varCache.putScalar(ch, variance[ch]);
      }
    } else {
      mu = mean.reshape(c).toFloatVector();
      variance = var.reshape(c).toFloatVector();
    }
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
    float[] o = buf.out(n * c * hw);
    channels(c, together).forEach(ch -> {
      double invStd = 1 / Math.sqrt(variance[ch] + eps);
      float scale = (float) (g[ch] * invStd);
      float shift = (float) (b[ch] - mu[ch] * g[ch] * invStd);
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        int end = base + hw;
        if (relu) {
          for (int k = base; k < end; k++) {
            o[k] = Math.max(in[k] * scale + shift, 0f);
          }
        } else {
          for (int k = base; k < end; k++) {
            o[k] = in[k] * scale + shift;
          }
        }
      }
    });
    copyOut(o, out, n, c * hw, together == null);
    reluOutput = relu ? out : null;
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
      INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
      LayerWorkspaceMgr workspaceMgr) {
    if (!supported(input, format) || gamma == null || meanCache == null || dGammaView == null) {
      return null;
    }
    INDArray x = dense(input);
    INDArray dy = dense(epsilon);
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    int hw = (int) (x.size(2) * x.size(3));
    Sync together = synced();
    boolean par = together == null;
    double count = par ? (double) n * hw : batchCount;
    float[] g = gamma.reshape(c).toFloatVector();
    float[] mu = meanCache.toFloatVector();
    float[] variance = varCache.toFloatVector();
    Scratch buf = SCRATCH.get();
    float[] xs = buf.in(n * c * hw);
    float[] ds = buf.grad(n * c * hw);
    copyIn(x, xs, n, c * hw, par);
    copyIn(dy, ds, n, c * hw, par);
    INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
    float[] out = buf.out(n * c * hw);
    float[] dGamma = new float[c];
    float[] dBeta = new float[c];
    double[][] local = new double[c][];
    double[][] whole;
    if (par) {
      whole = local;
    } else {
      // synchronised: this replica's sums, then the whole minibatch's
      channels(c, together).forEach(ch -> local[ch] = sums(ds, xs, n, c, hw, ch));
      whole = new double[c][];
      unpack(together.allReduce(pack(local, 0), false), whole);
    }
    channels(c, together).forEach(ch -> {
      double[] s = par ? (local[ch] = sums(ds, xs, n, c, hw, ch)) : local[ch];
      double invStd = 1 / Math.sqrt(variance[ch] + eps);
      // gamma's and beta's gradients from this replica's sums (DL4J sums the replicas' gradients), dx from the
      // whole minibatch's
      dBeta[ch] = (float) s[0];
      dGamma[ch] = (float) (invStd * (s[1] - mu[ch] * s[0]));
      double sumDy = whole[ch][0];
      double sumDyXhat = invStd * (whole[ch][1] - mu[ch] * sumDy);
      // dx = a*dy + b*x + k, from dx = g*invStd*(dy - sumDy/M - xhat*sumDyXhat/M) with xhat = (x - mu)*invStd
      double a = g[ch] * invStd;
      double b = -a * invStd * sumDyXhat / count;
      double k = -a * sumDy / count - b * mu[ch];
      float fa = (float) a;
      float fb = (float) b;
      float fk = (float) k;
      for (int i = 0; i < n; i++) {
        int base = (i * c + ch) * hw;
        int end = base + hw;
        for (int j = base; j < end; j++) {
          out[j] = fa * ds[j] + fb * xs[j] + fk;
        }
      }
    });
    copyOut(out, dx, n, c * hw, par);
    dGammaView.assign(Nd4j.createFromArray(dGamma).reshape(dGammaView.shape()));
    dBetaView.assign(Nd4j.createFromArray(dBeta).reshape(dBetaView.shape()));
    Gradient grad = new DefaultGradient();
    grad.setGradientFor("gamma", dGammaView);
    grad.setGradientFor("beta", dBetaView);
    return new Pair<>(grad, dx);
  }

  /**
   * Per channel {@code ch}: {@code [Σa, Σa²]} over the channel's elements, or {@code [Σa, Σa·b]} when {@code b} is
   * given; four interleaved double accumulators each.
   */
  private static double[] sums(float[] a, float[] b, int n, int c, int hw, int ch) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double q0 = 0;
    double q1 = 0;
    double q2 = 0;
    double q3 = 0;
    float[] m = b == null ? a : b;
    for (int i = 0; i < n; i++) {
      int base = (i * c + ch) * hw;
      int end = base + hw;
      int k = base;
      for (; k + 4 <= end; k += 4) {
        float a0 = a[k];
        float a1 = a[k + 1];
        float a2 = a[k + 2];
        float a3 = a[k + 3];
        s0 += a0;
        s1 += a1;
        s2 += a2;
        s3 += a3;
        q0 += (double) a0 * m[k];
        q1 += (double) a1 * m[k + 1];
        q2 += (double) a2 * m[k + 2];
        q3 += (double) a3 * m[k + 3];
      }
      for (; k < end; k++) {
        float v = a[k];
        s0 += v;
        q0 += (double) v * m[k];
      }
    }
    return new double[] {s0 + s1 + s2 + s3, q0 + q1 + q2 + q3};
  }

  /** Bulk copy of a dense c-order float array into {@code to}, one sample ({@code per} values) per task. */
  private static void copyIn(INDArray from, float[] to, int n, int per, boolean parallel) {
    FloatBuffer f = floats(from);
    maybeParallel(IntStream.range(0, n), parallel).forEach(i -> f.get(i * per, to, i * per, per));
  }

  private static void copyOut(float[] from, INDArray to, int n, int per, boolean parallel) {
    FloatBuffer f = floats(to);
    maybeParallel(IntStream.range(0, n), parallel).forEach(i -> f.put(i * per, from, i * per, per));
  }

  /**
   * The per-channel loops: over the common fork-join pool alone, in the calling thread in a data-parallel step
   * (there every core already runs a replica).
   */
  private static IntStream channels(int c, Sync together) {
    return maybeParallel(IntStream.range(0, c), together == null);
  }

  private static IntStream maybeParallel(IntStream s, boolean parallel) {
    return parallel ? s.parallel() : s;
  }

  private Sync synced() {
    Sync s = sync;
    return s != null && s.group().enabled() ? s : null;
  }

  private static double[] pack(double[][] sums, double count) {
    double[] p = new double[2 * sums.length + 1];
    for (int ch = 0; ch < sums.length; ch++) {
      p[2 * ch] = sums[ch][0];
      p[2 * ch + 1] = sums[ch][1];
    }
    p[2 * sums.length] = count;
    return p;
  }

  private static void unpack(double[] p, double[][] into) {
    for (int ch = 0; ch < into.length; ch++) {
      into[ch] = new double[] {p[2 * ch], p[2 * ch + 1]};
    }
  }

  /**
   * Pairs the batch-norm layers of {@code replicas} (graphs of one configuration, each with its helpers from
   * {@link #install}) so that in training their batch statistics, and the sums of the backward pass, are those of
   * all replicas' inputs together (synchronised batch norm): a data-parallel step whose replicas each take a slice
   * of a minibatch then computes what one network computes on the whole minibatch. Returns the handle that switches
   * the synchronisation on per step and wakes waiting replicas when one fails.
   *
   * @throws IllegalArgumentException if a replica has a batch-norm layer without a {@code FastBatchNorm}
   */
  public static SyncSet synchronize(List<ComputationGraph> replicas) {
    SyncSet set = new SyncSet(replicas.size());
    List<List<FastBatchNorm>> perReplica = new java.util.ArrayList<>();
    for (ComputationGraph g : replicas) {
      List<FastBatchNorm> helpers = new java.util.ArrayList<>();
      for (GraphVertex v : g.getVertices()) {
        if (v.hasLayer() && v.getLayer() instanceof BatchNormalization bn) {
          if (!(bn.getHelper() instanceof FastBatchNorm f)) {
            throw new IllegalArgumentException("batch-norm layer " + v.getVertexName() + " has no FastBatchNorm: "
                + "a data-parallel step needs synchronised batch statistics (fer.train.fast-batch-norm = true)");
          }
          helpers.add(f);
        }
      }
      perReplica.add(helpers);
    }
    for (int l = 0; l < perReplica.get(0).size(); l++) {
      Group group = new Group(set);
      for (int r = 0; r < replicas.size(); r++) {
        perReplica.get(r).get(l).sync = new Sync(group, r);
      }
    }
    return set;
  }

  /** Whether {@code graph} has a batch-norm layer (one a data-parallel step must synchronise). */
  public static boolean hasBatchNorm(ComputationGraph graph) {
    return java.util.Arrays.stream(graph.getLayers()).anyMatch(l -> l instanceof BatchNormalization);
  }

  /** Whether every batch-norm layer of {@code graph} has a {@code FastBatchNorm}. */
  public static boolean installedOn(ComputationGraph graph) {
    return java.util.Arrays.stream(graph.getLayers()).noneMatch(l -> l instanceof BatchNormalization bn
        && !(bn.getHelper() instanceof FastBatchNorm));
  }

  /** Leaves the helpers of {@code graph} on their own batch statistics again. */
  public static void unsynchronize(ComputationGraph graph) {
    for (Layer l : graph.getLayers()) {
      if (l instanceof BatchNormalization bn && bn.getHelper() instanceof FastBatchNorm f) {
        f.sync = null;
      }
    }
  }

  private static final String BROKEN = "another replica of the data-parallel step failed or stalled";

  /** Whether {@code t} (or a cause) is a replica's wake-up at a barrier another replica broke. */
  public static boolean isBrokenSync(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IllegalStateException && BROKEN.equals(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** One replica's place in a layer's {@link Group}. */
  private record Sync(Group group, int party) {
    double[] allReduce(double[] mine, boolean forward) {
      return group.allReduce(party, mine, forward);
    }
  }

  /**
   * The synchronisation of the replicas' batch-norm layers: on for the steps that split a minibatch over every
   * replica, off otherwise (one replica alone, inference); {@link #breakAll} wakes every replica waiting at a layer
   * with an error when another one failed.
   */
  public static final class SyncSet {
    private final int parties;
    private final List<Group> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.LongAdder waited = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean enabled;

    private SyncSet(int parties) {
      this.parties = parties;
    }

    /** The replicas synchronised. */
    public int parties() {
      return parties;
    }

    /** Whether the next training passes synchronise; call only between steps, with no replica running. */
    public void enable(boolean on) {
      breakAll();
      enabled = on;
    }

    /** Nanoseconds the replicas spent waiting for each other at the layers' barriers, summed over the replicas. */
    public long waitedNanos() {
      return waited.sum();
    }

    /** Wakes every replica waiting at a layer's barrier (with an error), resetting the barriers. */
    public void breakAll() {
      for (Group g : groups) {
        g.barrier.reset();
      }
    }
  }

  /** One layer's partial sums, one slot per replica and pass, and the barrier the replicas meet at. */
  private static final class Group {
    private final SyncSet set;
    private final CyclicBarrier barrier;
    private final double[][] forward;
    private final double[][] backward;

    Group(SyncSet set) {
      this.set = set;
      this.barrier = new CyclicBarrier(set.parties);
      this.forward = new double[set.parties][];
      this.backward = new double[set.parties][];
      set.groups.add(this);
    }

    boolean enabled() {
      return set.enabled;
    }

    /**
     * Element-wise sum of every replica's {@code mine}, in replica order (the same doubles in every replica). A
     * layer's forward and backward slots are separate, and all replicas finish a step before the next one starts,
     * so a slot is never written while another replica still reads it.
     */
    double[] allReduce(int party, double[] mine, boolean forwardPass) {
      double[][] slots = forwardPass ? forward : backward;
      slots[party] = mine;
      long t0 = System.nanoTime();
      try {
        barrier.await(10, TimeUnit.MINUTES);
        set.waited.add(System.nanoTime() - t0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the other replicas' batch statistics", e);
      } catch (BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException(BROKEN, e);
      }
      double[] sum = new double[mine.length];
      for (double[] slot : slots) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] += slot[i];
        }
      }
      return sum;
    }
  }

  /**
   * Per thread, the heap arrays the passes run over, grown to the largest layer seen (vgg-bn at width 1 and batch
   * 64: 4.7 M floats, 19 MB each); layers run one after the other on a thread, so they share them.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    private float[] in = new float[0];
    private float[] grad = new float[0];
    private float[] out = new float[0];

    float[] in(int length) {
      if (in.length < length) {
        in = new float[length];
      }
      return in;
    }

    float[] grad(int length) {
      if (grad.length < length) {
        grad = new float[length];
      }
      return grad;
    }

    float[] out(int length) {
      if (out.length < length) {
        out = new float[length];
      }
      return out;
    }
  }

  /** {@code x} itself when it is a dense c-order array at offset 0, else a dense copy. */
  private static INDArray dense(INDArray x) {
    return x.ordering() == 'c' && !x.isView() && x.offset() == 0 && x.length() == x.data().length() ? x : x.dup('c');
  }

  private static FloatBuffer floats(INDArray x) {
    return x.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static Field field(Class<?> owner, String name) {
    try {
      Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("DL4J's " + owner.getSimpleName() + " has no '" + name
          + "' field: not the 1.0.0-M2.1 layout", e);
    }
  }
}
