package org.ferspark.evaluation.metrics;

import org.ferspark.preprocessing.image.FaceBox;

/**
 * One confidently wrong face kept for the report's failure gallery.
 *
 * @param id the face's id (tensor row id, or the photo's path relative to the folder evaluated)
 * @param source where it came from (the tensor's source file, or the photo's URI)
 * @param box the face box in the photo, or null (tensors, whole images taken as face crops)
 * @param pixels the normalised face, {@code side × side} uint8 gray, as the model saw it
 * @param side face side in pixels
 * @param trueLabel index of the true class
 * @param predicted index of the predicted class
 * @param confidence probability of the predicted class
 */
public record Failure(String id, String source, FaceBox box, byte[] pixels, int side, int trueLabel, int predicted,
    double confidence) {
}
