package org.ferspark.jobs.predict;

import org.ferspark.preprocessing.image.FaceBox;

/**
 * One line of predict's output: the class probabilities of one face (an image taken as a face crop, or one face
 * the detector found), or an image in which the detector found no face ({@code label} null).
 *
 * @param path the image file as given or found
 * @param box the face in image pixels, null without detection
 * @param faces the faces found in the image (1 without detection)
 * @param label the most probable class, {@code uncertain} when its probability is below {@code fer.min-confidence},
 *     null for an image without a face
 * @param probabilities per class (calibrated), in the model's class order; null for an image without a face
 */
public record Prediction(String path, FaceBox box, int faces, String label, float[] probabilities) {

  /** The line of an image in which no face was found. */
  public static Prediction noFace(String path) {
    return new Prediction(path, null, 0, null, null);
  }

  public boolean hasFace() {
    return label != null;
  }

  /** The probability of {@link #label}. */
  public float confidence() {
    return probabilities[argmax(probabilities)];
  }

  /** The index of the largest value (the first of equal ones). */
  public static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
