package org.ferspark.realtime.overlay;

import org.ferspark.preprocessing.image.FaceBox;

/** What the overlay draws for one face: track id, box, shown label and its (smoothed) probability. */
public record LabelledFace(int id, FaceBox box, String label, float probability) {
}
