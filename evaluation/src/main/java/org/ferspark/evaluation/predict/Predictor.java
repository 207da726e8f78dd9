package org.ferspark.evaluation.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.ferspark.model.calibrate.TemperatureScaling;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.net.OneDnn;
import org.ferspark.preprocessing.dataset.InputError;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A loaded network that turns batches of stored faces (square uint8 grayscale) into class probabilities in the
 * dataset's label order, through its {@link InputConvention}. Not thread-safe (DL4J networks keep per-call state):
 * one instance per thread, from {@link PredictorCache}. Keras-imported networks run without DL4J's oneDNN layer
 * helpers ({@link LayerHelpers}: they corrupt channels-last batch normalisation in DL4J 1.0.0-M2.1).
 *
 * <p>The model file's temperature ({@code ModelMetadata.temperature()}, 1 for peers and uncalibrated files) is
 * applied here, once, in {@link #predict} (and {@link #predictBoth}): every evaluation score and the
 * test-time-augmented views see calibrated probabilities; {@link #predictUncalibrated} gives the network's own, for
 * the report's "before".
 */
public final class Predictor {
  private final String name;
  private final ComputationGraph graph;
  private final InputConvention convention;
  private final int[] outputFor;
  private final boolean helpersStripped;
  private final boolean partial;
  private final double temperature;

  private Predictor(String name, ComputationGraph graph, InputConvention convention, int[] outputFor,
      boolean helpersStripped, boolean partial, double temperature) {
    this.partial = partial;
    this.temperature = temperature;
    this.name = name;
    this.graph = graph;
    this.convention = convention;
    this.outputFor = outputFor;
    this.helpersStripped = helpersStripped;
  }

  /**
   * Loads the network of {@code spec} from the file's bytes and checks it: one input, one softmax-like output with
   * one unit per label, input of the convention's shape.
   *
   * @param datasetLabels the dataset's label order, which the probabilities follow
   * @throws InputError naming {@code spec.location()} and the problem
   */
  public static Predictor load(ModelSpec spec, byte[] bytes, List<String> datasetLabels) {
    if (spec.convention() == null) {
      throw new IllegalStateException(spec.name() + ": convention not settled (PreparedModel.prepare)");
    }
    int[] outputFor = spec.convention().outputIndexFor(datasetLabels, spec.location());
    OneDnn.enable();
    LoadedModel fer = spec.kind() == ModelSpec.Kind.FER ? loadFer(spec, bytes) : null;
    ComputationGraph graph = fer != null ? BatchNormFolding.fold(fer.graph()) : loadKeras(spec, bytes);
    Predictor p = new Predictor(spec.name(), graph, spec.convention(), outputFor,
        spec.kind() == ModelSpec.Kind.KERAS, !spec.convention().coversExactly(datasetLabels),
        fer != null ? fer.metadata().temperature() : 1);
    p.probe(spec.location());
    return p;
  }

  /** A copy with its own network (same weights) for another thread. */
  public Predictor copy() {
    ComputationGraph clone = graph.clone();
    return new Predictor(name, helpersStripped ? LayerHelpers.strip(clone) : clone, convention, outputFor,
        helpersStripped, partial, temperature);
  }

  /** The temperature {@link #predict} applies: the model file's, 1 for peers and files without calibration. */
  public double temperature() {
    return temperature;
  }

  public String name() {
    return name;
  }

  public ComputationGraph graph() {
    return graph;
  }

  /** Calibrated probabilities of the first {@code n} faces (side {@code side}), dataset label order. */
  public float[][] predict(byte[][] faces, int n, int side) {
    return shared(TemperatureScaling.apply(network(faces, n, side), temperature));
  }

  /** The network's own probabilities (T = 1) of the first {@code n} faces, dataset label order. */
  public float[][] predictUncalibrated(byte[][] faces, int n, int side) {
    return shared(network(faces, n, side));
  }

  /**
   * {@link #predict} and {@link #predictUncalibrated} from one forward pass: {@code {calibrated, uncalibrated}},
   * one and the same array at T = 1.
   */
  public float[][][] predictBoth(byte[][] faces, int n, int side) {
    float[][] raw = network(faces, n, side);
    float[][] uncalibrated = shared(raw);
    return new float[][][] {temperature == 1 ? uncalibrated : shared(TemperatureScaling.apply(raw, temperature)),
        uncalibrated};
  }

  /** The network's outputs for the first {@code n} faces, in its own output order. */
  private float[][] network(byte[][] faces, int n, int side) {
    if (n == 0) {
      return new float[0][];
    }
    INDArray x = Nd4j.create(convention.input(faces, n, side), convention.shape(n), 'c');
    INDArray out = graph.outputSingle(false, x);
    float[][] raw = out.toFloatMatrix();
    x.close();
    out.close();
    return raw;
  }

  /**
   * Network outputs in dataset label order; a model with other classes is renormalised over the shared ones (the
   * temperature is applied before, on all its outputs, so a class it lacks stays at exactly 0).
   */
  private float[][] shared(float[][] raw) {
    int n = raw.length;
    float[][] probs = new float[n][outputFor.length];
    for (int i = 0; i < n; i++) {
      float sum = 0;
      for (int c = 0; c < outputFor.length; c++) {
        probs[i][c] = outputFor[c] < 0 ? 0 : raw[i][outputFor[c]];
        sum += probs[i][c];
      }
      if (partial && sum > 0) {
        // renormalised over the shared classes: what the model says when told the face is one of them
        for (int c = 0; c < outputFor.length; c++) {
          probs[i][c] /= sum;
        }
      }
    }
    return probs;
  }

  /** Test-time augmentation: the mean probabilities over the {@link FaceViews#ttaViews} of each face. */
  public float[][] predictTta(byte[][] faces, int n, int side) {
    return predictTta(faces, n, side, predict(faces, n, side));
  }

  /** {@link #predictTta(byte[][], int, int)} reusing {@code plain}, the faces' own probabilities (the first view). */
  public float[][] predictTta(byte[][] faces, int n, int side, float[][] plain) {
    return predictTta(faces, n, side, plain, FaceViews.Tta.SIX);
  }

  /**
   * The mean probabilities over the {@code mode} views of each face; {@code plain} (the faces' own probabilities)
   * is reused where the face itself is a view, and may be null otherwise.
   */
  public float[][] predictTta(byte[][] faces, int n, int side, float[][] plain, FaceViews.Tta mode) {
    byte[][][] views = new byte[n][][];
    for (int i = 0; i < n; i++) {
      views[i] = mode.views(faces[i], side);
    }
    int count = views.length == 0 ? 0 : views[0].length;
    boolean reuse = mode.startsWithTheFace() && plain != null;
    float[][] sum = new float[n][];
    for (int i = 0; i < n; i++) {
      sum[i] = reuse ? plain[i].clone() : new float[outputFor.length];
    }
    byte[][] batch = new byte[n][];
    for (int v = reuse ? 1 : 0; v < count; v++) {
      for (int i = 0; i < n; i++) {
        batch[i] = views[i][v];
      }
      float[][] p = predict(batch, n, side);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < outputFor.length; c++) {
          sum[i][c] += p[i][c];
        }
      }
    }
    for (float[] row : sum) {
      for (int c = 0; c < row.length; c++) {
        row[c] /= count;
      }
    }
    return sum;
  }

  /** One zero image through the network: the shape must fit and the outputs must look like probabilities. */
  private void probe(String location) {
    int size = convention.size();
    INDArray zero = Nd4j.zeros(DataType.FLOAT, convention.shape(1));
    long[] shape;
    float[] out;
    try {
      INDArray y = graph.outputSingle(false, zero);
      shape = y.shape();
      out = y.toFloatVector();
    } catch (RuntimeException e) {
      throw new InputError(location + ": the network does not take a " + Arrays.toString(convention.shape(1))
          + " input (" + size + "x" + size + ", channels " + (convention.channelsLast() ? "last" : "first")
          + "): " + firstLine(e) + "; declare the peer's size= and channels=");
    }
    if (shape.length != 2 || shape[1] != convention.outputLabels().size()) {
      throw new InputError(location + ": the network gives output shape " + Arrays.toString(shape) + " but "
          + convention.outputLabels().size() + " labels are declared " + convention.outputLabels());
    }
    double sum = 0;
    for (float v : out) {
      if (v < 0 || !Float.isFinite(v)) {
        sum = Double.NaN;
        break;
      }
      sum += v;
    }
    if (!(Math.abs(sum - 1) < 1e-3)) {
      throw new InputError(location + ": the outputs " + Arrays.toString(out) + " are not probabilities (sum "
          + sum + "); evaluation needs a softmax output");
    }
  }

  /**
   * The model file; its network runs with each conv -> batch norm [-> ReLU] chain folded into one convolution, as in
   * realtime and predict: the same probabilities within 1e-5 (BatchNormFoldingTest), 1.2-1.5x the images/s at batch
   * 64.
   */
  private static LoadedModel loadFer(ModelSpec spec, byte[] bytes) {
    Path tmp = tempCopy(bytes, ".zip");
    try {
      return ModelFile.load(tmp, false);
    } catch (ModelFileException e) {
      throw new InputError(e.getMessage().replace(tmp.toString(), spec.location()));
    } finally {
      delete(tmp);
    }
  }

  private static ComputationGraph loadKeras(ModelSpec spec, byte[] bytes) {
    Path tmp = tempCopy(bytes, ".hdf5");
    try {
      ComputationGraph g = LayerHelpers.strip(KerasModelImport.importKerasModelAndWeights(tmp.toString(), false));
      if (g.getConfiguration().getNetworkInputs().size() != 1 || g.getConfiguration().getNetworkOutputs().size() != 1) {
        throw new InputError(spec.location() + ": a peer needs one input and one output, found inputs "
            + g.getConfiguration().getNetworkInputs() + " and outputs " + g.getConfiguration().getNetworkOutputs());
      }
      return g;
    } catch (InputError e) {
      throw e;
    } catch (Exception e) {
      throw new InputError(spec.location() + ": not a Keras HDF5 model DL4J can import: "
          + firstLine(e).replace(tmp.toString(), spec.location()));
    } finally {
      delete(tmp);
    }
  }

  private static Path tempCopy(byte[] bytes, String suffix) {
    try {
      Path tmp = Files.createTempFile("fer-evaluate-", suffix);
      Files.write(tmp, bytes);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary model file: " + e.getMessage(), e);
    }
  }

  private static void delete(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      tmp.toFile().deleteOnExit();
    }
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
