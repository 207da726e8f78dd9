package org.ferspark.preprocessing.dataset;

import java.util.ArrayList;
import java.util.List;
import org.ferspark.preprocessing.image.Augmenter;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.RejectException;

/**
 * Turns one {@link InputRecord} into its tensors (the original plus, for the train split, augmented copies) or
 * into one rejection; never throws for a bad record, so one bad input cannot stop a job.
 */
public final class FaceExtractor {
  private final FaceNormalizer normalizer;
  private final Augmenter augmenter;
  private final int augmentCopies;
  private final long seed;
  private final int size;

  public FaceExtractor(FaceNormalizer normalizer, Augmenter augmenter, int augmentCopies, long seed, int size) {
    this.normalizer = normalizer;
    this.augmenter = augmenter;
    this.augmentCopies = augmentCopies;
    this.seed = seed;
    this.size = size;
  }

  /** Reads a file's bytes, or rejects it ({@code file-not-found}, {@code unreadable-file}, {@code file-too-large}). */
  @FunctionalInterface
  public interface ByteSource {
    byte[] read(String path) throws RejectException;
  }

  /** Processes one record; the split must already be assigned for accepted records. */
  public List<Outcome> process(InputRecord record, ByteSource files) {
    if (record.isRejected()) {
      return List.of(Outcome.reject(record.id(), record.source(), record.rejectReason(), record.rejectDetail()));
    }
    byte[] face;
    try {
      face = record.inlinePixels() != null
          ? fromInline(record.inlinePixels())
          : normalizer.normalize(files.read(record.path()), record.box());
    } catch (RejectException e) {
      return List.of(Outcome.reject(record.id(), record.source(), e.reason(), e.detail()));
    } catch (RuntimeException e) {
      return List.of(Outcome.reject(record.id(), record.source(), "internal-error",
          e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
    List<Outcome> out = new ArrayList<>(1 + augmentCopies);
    out.add(Outcome.tensor(record.id(), record.source(), record.split(), record.label(), face, 0, null));
    if (Splits.TRAIN.equals(record.split())) {
      for (int copy = 1; copy <= augmentCopies; copy++) {
        Augmenter.Augmented aug = augmenter.augment(face, record.id(), copy, seed);
        out.add(Outcome.tensor(record.id() + "#aug" + copy, record.source(), record.split(), record.label(),
            aug.pixels(), copy, aug.description()));
      }
    }
    return out;
  }

  /** FER2013-style inline pixels: whitespace-separated gray values 0–255 of a square image. */
  byte[] fromInline(String text) throws RejectException {
    String[] tokens = text.trim().split("\\s+");
    int side = (int) Math.round(Math.sqrt(tokens.length));
    if (side * side != tokens.length) {
      throw new RejectException("bad-csv-row", "pixels has " + tokens.length
          + " values, expected a square image (" + size + " x " + size + " = " + size * size + ")");
    }
    byte[] gray = new byte[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      int v;
      try {
        v = Integer.parseInt(tokens[i]);
      } catch (NumberFormatException e) {
        throw new RejectException("bad-csv-row", "pixel " + i + " ('" + tokens[i] + "') is not an integer");
      }
      if (v < 0 || v > 255) {
        throw new RejectException("bad-csv-row", "pixel " + i + " = " + v + " is outside 0-255");
      }
      gray[i] = (byte) v;
    }
    return normalizer.fromGrayPixels(gray, side, side);
  }
}
