package org.ferspark.realtime.overlay;

import org.ferspark.preprocessing.image.FaceBox;

/**
 * What the overlay draws for one face: track id, box, shown label ({@code uncertain} below
 * {@code fer.min-confidence}) and its top (smoothed) probability.
 */
public record LabelledFace(int id, FaceBox box, String label, float probability) {
}
