package org.ferspark.jobs.predict;

/**
 * What a predict run did.
 *
 * @param images inputs: image files, plus arguments that named no image (a missing path, a directory without images)
 * @param failed inputs that could not be classified (each reported by name with the reason)
 * @param faces faces classified (one per image without detection)
 * @param withoutFace images in which the detector found no face
 * @param skipped directory entries passed over (FIFOs, broken links, link loops), each reported; not in images
 * @param uncertain faces labelled {@code uncertain} (top probability below {@code --min-confidence})
 */
public record PredictReport(int images, int failed, int faces, int withoutFace, int skipped, int uncertain) {

  public PredictReport(int images, int failed, int faces, int withoutFace) {
    this(images, failed, faces, withoutFace, 0, 0);
  }

  /**
   * The summary line: {@code N images, M failed} (with detection: {@code , F faces, K without a face}; with skipped
   * entries: {@code , S skipped}; with uncertain faces: {@code , U uncertain}).
   */
  public String summary(boolean detection) {
    String s = images + (images == 1 ? " image, " : " images, ") + failed + " failed";
    s = detection ? s + ", " + faces + (faces == 1 ? " face, " : " faces, ") + withoutFace + " without a face" : s;
    s = skipped > 0 ? s + ", " + skipped + " skipped" : s;
    return uncertain > 0 ? s + ", " + uncertain + " uncertain" : s;
  }
}
