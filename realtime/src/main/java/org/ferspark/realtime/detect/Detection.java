package org.ferspark.realtime.detect;

import org.ferspark.preprocessing.image.FaceBox;

/**
 * A face a detector found: its box in frame pixels and the detector's confidence. BlazeFace: the sigmoid score in
 * [0, 1]; OpenCV DNN (SSD): the network's confidence in [0, 1]; Haar: the number of neighbouring windows merged
 * into the box (≥ {@code min-neighbours}), which is not a probability.
 */
public record Detection(FaceBox box, float score) {
}
