package org.ferspark.preprocessing.dataset.synthetic;

/**
 * The kinds of deliberately broken rows {@link AffectNetShapedWriter} can add to {@code training.csv}; each is
 * something a reader must reject (never crash on), and the writer counts how many of each it wrote.
 */
public enum BadRowKind {
  /** A valid image, but the face box lies wholly to the right of it. */
  BOX_OUTSIDE_IMAGE,
  /** A valid image with {@code face_width = 0}. */
  ZERO_WIDTH_BOX,
  /** A valid image with {@code face_width = -1} (AffectNet's own "no box" convention). */
  NEGATIVE_WIDTH,
  /** {@code subDirectory_filePath} names a file that does not exist. */
  MISSING_FILE,
  /** {@code face_x} is not a number. */
  NON_NUMERIC_FACE_X,
  /** The row has fewer than the nine columns of the header. */
  MISSING_FIELDS,
  /** The image file exists but holds zero bytes. */
  EMPTY_IMAGE,
  /** The image file is a valid JPEG cut to a third of its length (no EOI marker). */
  TRUNCATED_JPEG
}
