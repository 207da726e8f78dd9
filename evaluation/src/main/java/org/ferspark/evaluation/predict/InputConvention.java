package org.ferspark.evaluation.predict;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.ferspark.evaluation.predict.FaceViews.Interpolation;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * How a network wants its input and what its outputs mean: the input side (faces are resized from the stored side
 * when it differs), the pixel scaling, the channel layout and the class name of each output, in output order.
 *
 * @param size input side in pixels
 * @param scale pixel scaling
 * @param channelsLast NHWC ({@code [n, size, size, 1]}, Keras) rather than NCHW ({@code [n, 1, size, size]}, DL4J)
 * @param interpolation resizing filter when {@code size} differs from the stored side
 * @param outputLabels the class name of each output, in output order
 */
public record InputConvention(int size, Scale scale, boolean channelsLast, Interpolation interpolation,
    List<String> outputLabels) implements Serializable {

  /** Pixel scaling from uint8 {@code x}. */
  public enum Scale {
    /** {@code x / 255}, to [0, 1]: the project's normalisation. */
    UNIT,
    /** {@code (x / 255 - 0.5) * 2}, to [-1, 1] (mini-Xception). */
    SYMMETRIC,
    /** {@code x} as a float, 0 to 255. */
    RAW;

    /** The lower-case name used in peer specs. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    float apply(int x) {
      return switch (this) {
        case UNIT -> x / 255f;
        case SYMMETRIC -> (x / 255f - 0.5f) * 2f;
        case RAW -> x;
      };
    }
  }

  public InputConvention {
    if (size < 1) {
      throw new IllegalArgumentException("input size must be positive, got " + size);
    }
    outputLabels = List.copyOf(outputLabels);
  }

  /** The network input for {@code n} faces of side {@code side}: row-major floats of {@link #shape}. */
  public float[] input(byte[][] faces, int n, int side) {
    int pixels = size * size;
    float[] x = new float[n * pixels];
    for (int i = 0; i < n; i++) {
      byte[] face = FaceViews.resizeTo(faces[i], side, size, interpolation);
      int off = i * pixels;
      for (int p = 0; p < pixels; p++) {
        x[off + p] = scale.apply(face[p] & 0xFF);
      }
    }
    return x;
  }

  /** The input shape for {@code n} faces (one channel: NHWC and NCHW share the memory layout). */
  public long[] shape(int n) {
    return channelsLast ? new long[] {n, size, size, 1} : new long[] {n, 1, size, size};
  }

  /**
   * For each dataset class, the output that scores it, or -1 for a class the model does not have. A model may name
   * other classes than the dataset (a fine-tuned 6-class model on 7-class data, a model with contempt): it is then
   * scored on the classes they share ({@code EvaluationPipeline} keeps only the faces of classes every model has).
   *
   * @throws InputError when the model and the dataset share fewer than 2 classes
   */
  public int[] outputIndexFor(List<String> datasetLabels, String model) {
    int[] out = datasetLabels.stream().mapToInt(outputLabels::indexOf).toArray();
    long shared = java.util.Arrays.stream(out).filter(i -> i >= 0).count();
    if (shared < 2) {
      throw new InputError(model + " predicts " + outputLabels + " but the dataset's classes are " + datasetLabels
          + "; a model must share at least 2 classes with the dataset to be scored on them");
    }
    return out;
  }

  /** Whether the model's outputs are exactly the dataset's classes (in any order). */
  public boolean coversExactly(List<String> datasetLabels) {
    return outputLabels.size() == datasetLabels.size() && outputLabels.containsAll(datasetLabels);
  }
}
