package org.ferspark.realtime.app;

import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.OneDnn;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.preprocessing.image.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Classifies the faces of one frame in one batch, through the project's one face path: the detected box grown by a
 * margin → {@link FaceNormalizer#normalize(Mat, FaceBox)} (crop, gray, {@code INTER_AREA} to the model's input
 * size) → {@link Tensors#toUnitFloats} (the training normalisation) → one {@code graph.output} call.
 */
public final class FaceClassifier {
  private final ComputationGraph graph;
  private final List<String> classNames;
  private final FaceNormalizer normalizer;
  private final double margin;
  private final int pixels;

  public FaceClassifier(LoadedModel model, double margin) {
    ModelMetadata m = model.metadata();
    List<Integer> shape = m.inputShape();
    if (shape.get(0) != 1 || !shape.get(1).equals(shape.get(2))) {
      throw new InputError("the model takes input " + shape + "; realtime feeds one square grayscale channel");
    }
    if (!Tensors.NORMALISATION.equals(m.normalisation())) {
      throw new InputError("the model expects normalisation '" + m.normalisation() + "'; realtime applies '"
          + Tensors.NORMALISATION + "' (the training normalisation)");
    }
    this.graph = model.graph();
    this.classNames = m.classNames();
    this.normalizer = new FaceNormalizer(shape.get(1), Long.MAX_VALUE, Long.MAX_VALUE);
    this.margin = margin;
    this.pixels = shape.get(1) * shape.get(2);
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

  /** The crop handed to the normaliser: {@code box} grown by {@code margin × size} on every side. */
  public static FaceBox cropBox(FaceBox box, double margin) {
    int dx = (int) Math.round(box.width() * margin);
    int dy = (int) Math.round(box.height() * margin);
    return new FaceBox(box.x() - dx, box.y() - dy, box.width() + 2 * dx, box.height() + 2 * dy);
  }

  /** The faces in {@code boxes} as one batch of unit floats, row-major {@code n × 1 × size × size}. */
  public float[] preprocess(Mat bgr, List<FaceBox> boxes) {
    float[] batch = new float[boxes.size() * pixels];
    for (int i = 0; i < boxes.size(); i++) {
      byte[] face;
      try {
        face = normalizer.normalize(bgr, cropBox(boxes.get(i), margin));
      } catch (RejectException e) {
        throw new IllegalStateException("face " + boxes.get(i) + ": " + e.getMessage(), e);
      }
      Tensors.toUnitFloats(face, batch, i * pixels);
    }
    return batch;
  }

  /** Class probabilities per face of a batch from {@link #preprocess}: one forward pass. */
  public float[][] classify(float[] batch) {
    int n = batch.length / pixels;
    if (n == 0) {
      return new float[0][];
    }
    int side = (int) Math.round(Math.sqrt(pixels));
    INDArray x = Nd4j.create(batch, new long[] {n, 1, side, side}, 'c');
    INDArray out = graph.outputSingle(false, x);
    return out.toFloatMatrix();
  }
}
