package org.ferspark.preprocessing.dataset;

import java.io.Serializable;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * One labelled input before decoding: an image file (or an inline pixel row) with its label, split and face box,
 * or an input already known to be unusable (then {@link #rejectReason()} is set).
 *
 * @param id stable unique id (relative path, or {@code file.csv:line}); seeds splits and augmentation
 * @param source what a user looks for when the record is rejected: the file path, or {@code file.csv line N}
 * @param path the image file URI to read, or {@code null} for inline pixels
 * @param inlinePixels FER2013-CSV pixels (space-separated gray values), or {@code null}
 * @param label label index in {@link Emotion} order, or -1 when rejected
 * @param split the dataset's own split ({@code train|validation|test}), or {@code null} to assign one
 * @param pool the split-assignment pool when {@code split} is null (records of one pool share the ratios)
 * @param box face box in source pixels, or {@code null} for the whole image
 * @param fileSize the file size from the listing, or -1 when unknown
 * @param rejectReason reason code when the record is rejected before decoding, else {@code null}
 * @param rejectDetail human-readable detail of the rejection, else {@code null}
 */
public record InputRecord(
    String id,
    String source,
    String path,
    String inlinePixels,
    int label,
    String split,
    String pool,
    FaceBox box,
    long fileSize,
    String rejectReason,
    String rejectDetail) implements Serializable {

  /** An image file with a label; split may be null (assigned later from {@code pool}). */
  public static InputRecord image(String id, String path, int label, String split, String pool, FaceBox box,
      long fileSize) {
    return new InputRecord(id, path, path, null, label, split, pool, box, fileSize, null, null);
  }

  /** An input that cannot become a tensor, known before decoding (unknown label, bad CSV row, …). */
  public static InputRecord rejected(String id, String source, String reason, String detail) {
    return new InputRecord(id, source, null, null, -1, null, null, null, -1, reason, detail);
  }

  public boolean isRejected() {
    return rejectReason != null;
  }
}
