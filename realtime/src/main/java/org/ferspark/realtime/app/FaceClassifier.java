package org.ferspark.realtime.app;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.calibrate.TemperatureScaling;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.net.OneDnn;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.preprocessing.image.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Classifies faces in batches through the project's one face path: a detected box grown by a margin →
 * {@link FaceNormalizer#normalize(Mat, FaceBox)} (crop, gray, {@code INTER_AREA} to the model's input size), or a
 * whole encoded image taken as the face crop → {@link FaceNormalizer#normalize(byte[], FaceBox)}; then
 * {@link Tensors#toUnitFloats} (the training normalisation) → one {@code graph.output} call per batch → the model
 * file's temperature ({@code ModelMetadata.temperature()}, 1 without calibration). Used by the realtime app (the
 * faces of one frame) and by {@code PredictJob} (image files). The network runs with its batch norms folded into the
 * convolutions ({@link BatchNormFolding}): the same probabilities up to float rounding, about 3× faster per face at
 * batch 1 for vgg-bn.
 */
public final class FaceClassifier {
  private final ComputationGraph graph;
  private final List<String> classNames;
  private final FaceNormalizer normalizer;
  private final double margin;
  private final int pixels;
  private final double temperature;

  public FaceClassifier(LoadedModel model, double margin) {
    this(model, margin, Long.MAX_VALUE, Long.MAX_VALUE, true);
  }

  /** A classifier that runs the saved network as it is when {@code foldBatchNorm} is false (for comparisons). */
  public FaceClassifier(LoadedModel model, double margin, boolean foldBatchNorm) {
    this(model, margin, Long.MAX_VALUE, Long.MAX_VALUE, foldBatchNorm);
  }

  /**
   * A classifier that also decodes image files, refusing files over {@code maxFileBytes} bytes and images whose
   * header declares more than {@code maxPixels} pixels ({@code fer.image.*}).
   */
  public FaceClassifier(LoadedModel model, double margin, long maxPixels, long maxFileBytes) {
    this(model, margin, maxPixels, maxFileBytes, true);
  }

  private FaceClassifier(LoadedModel model, double margin, long maxPixels, long maxFileBytes,
      boolean foldBatchNorm) {
    ModelMetadata m = model.metadata();
    List<Integer> shape = m.inputShape();
    if (shape.get(0) != 1 || !shape.get(1).equals(shape.get(2))) {
      throw new InputError("the model takes input " + shape + "; fer-spark feeds one square grayscale channel");
    }
    if (!Tensors.NORMALISATION.equals(m.normalisation())) {
      throw new InputError("the model expects normalisation '" + m.normalisation() + "'; fer-spark applies '"
          + Tensors.NORMALISATION + "' (the training normalisation)");
    }
    this.graph = foldBatchNorm ? BatchNormFolding.fold(model.graph()) : model.graph();
    this.classNames = m.classNames();
    this.normalizer = new FaceNormalizer(shape.get(1), maxPixels, maxFileBytes);
    this.margin = margin;
    this.pixels = shape.get(1) * shape.get(2);
    this.temperature = m.temperature();
  }

  /**
   * Loads {@code file} for inference (no updater state), with oneDNN helpers enabled first.
   *
   * @param isDefault whether {@code file} is the default path rather than {@code --model}, for the message
   */
  public static LoadedModel load(Path file, boolean isDefault) {
    if (isDefault && !file.toFile().exists()) {
      throw new InputError("no --model given and the configured model " + file + " (fer.realtime.model, default "
          + "models/fer2013-default.zip) does not exist: no trained model is shipped yet; train one or pass "
          + "--model FILE");
    }
    OneDnn.enable();
    try {
      return ModelFile.load(file, false);
    } catch (ModelFileException e) {
      throw new InputError(e.getMessage());
    }
  }

  /** Output class names in output order. */
  public List<String> classNames() {
    return classNames;
  }

  /** The temperature {@link #classify} applies: the model file's calibration, 1 without. */
  public double temperature() {
    return temperature;
  }

  /** The crop handed to the normaliser: {@code box} grown by {@code margin × size} on every side. */
  public static FaceBox cropBox(FaceBox box, double margin) {
    int dx = (int) Math.round(box.width() * margin);
    int dy = (int) Math.round(box.height() * margin);
    return new FaceBox(box.x() - dx, box.y() - dy, box.width() + 2 * dx, box.height() + 2 * dy);
  }

  /** Floats per face in a batch: the model's input side squared. */
  public int faceLength() {
    return pixels;
  }

  /** The faces in {@code boxes} as one batch of unit floats, row-major {@code n × 1 × size × size}. */
  public float[] preprocess(Mat bgr, List<FaceBox> boxes) {
    float[] batch = new float[boxes.size() * pixels];
    for (int i = 0; i < boxes.size(); i++) {
      try {
        preprocess(bgr, boxes.get(i), batch, i);
      } catch (RejectException e) {
        throw new IllegalStateException("face " + boxes.get(i) + ": " + e.getMessage(), e);
      }
    }
    return batch;
  }

  /** Writes the face in {@code box} (grown by the margin) of {@code bgr} as face {@code index} of {@code batch}. */
  public void preprocess(Mat bgr, FaceBox box, float[] batch, int index) throws RejectException {
    Tensors.toUnitFloats(normalizer.normalize(bgr, cropBox(box, margin)), batch, index * pixels);
  }

  /**
   * Writes a whole encoded image, taken as a face crop (no detection, no margin), as face {@code index} of
   * {@code batch}: decode → gray → {@code INTER_AREA} resize, the path preprocessing takes for a face crop.
   *
   * @throws RejectException with the preprocessing job's reason codes ({@code decode-failed},
   *     {@code truncated-image}, ...)
   */
  public void preprocessImage(byte[] encoded, float[] batch, int index) throws RejectException {
    Tensors.toUnitFloats(normalizer.normalize(encoded, null), batch, index * pixels);
  }

  /**
   * Decodes an encoded image to 8-bit BGR for a face detector, with the same checks and reason codes as
   * {@link #preprocessImage}. The caller owns the Mat (close it or decode inside a {@code PointerScope}).
   */
  public Mat decodeBgr(byte[] encoded) throws RejectException {
    return normalizer.decode(encoded, IMREAD_COLOR);
  }

  /**
   * Runs {@code passes} forward passes on blank faces at each batch size 1..{@code maxBatch}, so that the JIT and
   * ND4J's workspaces and oneDNN primitives are set up before the first real frame.
   *
   * @return the milliseconds it took
   */
  public double warmUp(int passes, int maxBatch) {
    long t0 = System.nanoTime();
    for (int n = 1; n <= maxBatch; n++) {
      float[] blank = new float[n * pixels];
      for (int i = 0; i < passes; i++) {
        classify(blank, n);
      }
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Class probabilities per face of a batch from {@link #preprocess}: one forward pass. */
  public float[][] classify(float[] batch) {
    return classify(batch, batch.length / pixels);
  }

  /**
   * Calibrated class probabilities of the first {@code n} faces of {@code batch}: one forward pass, then the model's
   * temperature, {@code softmax(ln p / T)} (the one place predict and realtime apply it).
   */
  public float[][] classify(float[] batch, int n) {
    if (n == 0) {
      return new float[0][];
    }
    float[] faces = batch.length == n * pixels ? batch : Arrays.copyOf(batch, n * pixels);
    int side = (int) Math.round(Math.sqrt(pixels));
    INDArray x = Nd4j.create(faces, new long[] {n, 1, side, side}, 'c');
    INDArray out = graph.outputSingle(false, x);
    return TemperatureScaling.apply(out.toFloatMatrix(), temperature);
  }
}
