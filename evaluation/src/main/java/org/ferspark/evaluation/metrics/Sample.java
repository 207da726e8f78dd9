package org.ferspark.evaluation.metrics;

/**
 * One scored face kept for the report's gallery.
 *
 * @param id the tensor row's id (source path or dataset row)
 * @param pixels the 48×48 (side × side) uint8 grayscale pixels, row-major, as stored in the Parquet tensors
 * @param side image side in pixels
 * @param trueLabel index of the true class
 * @param predicted index of the predicted class
 * @param confidence probability of the predicted class
 */
public record Sample(String id, byte[] pixels, int side, int trueLabel, int predicted, double confidence) {

  public boolean correct() {
    return trueLabel == predicted;
  }
}
