package org.ferspark.jobs.predict;

/**
 * What a predict run did.
 *
 * @param images inputs: image files, plus arguments that named no image (a missing path, a directory without images)
 * @param failed inputs that could not be classified (each reported by name with the reason)
 * @param faces faces classified (one per image without detection)
 * @param withoutFace images in which the detector found no face
 */
public record PredictReport(int images, int failed, int faces, int withoutFace) {

  /** The summary line: {@code N images, M failed} (with detection: {@code , F faces, K without a face}). */
  public String summary(boolean detection) {
    String s = images + (images == 1 ? " image, " : " images, ") + failed + " failed";
    return detection ? s + ", " + faces + (faces == 1 ? " face, " : " faces, ") + withoutFace + " without a face" : s;
  }
}
