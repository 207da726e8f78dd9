package org.ferspark.preprocessing.image;

/**
 * The read-time normalisation of stored faces: uint8 pixels become floats in [0, 1] as {@code x / 255}. Training,
 * evaluation and the realtime demo all read faces through this class, so the rule is written down only here.
 */
public final class Tensors {
  /** The normalisation applied to stored uint8 pixels, as recorded in model metadata. */
  public static final String NORMALISATION = "x / 255";

  private Tensors() {}

  /** Writes {@code (b & 0xFF) / 255f} for every pixel into {@code dst} starting at {@code offset}. */
  public static void toUnitFloats(byte[] pixels, float[] dst, int offset) {
    if (offset < 0 || offset > dst.length - pixels.length) {
      throw new IndexOutOfBoundsException(pixels.length + " pixels do not fit at offset " + offset
          + " of an array of " + dst.length);
    }
    for (int i = 0; i < pixels.length; i++) {
      dst[offset + i] = (pixels[i] & 0xFF) / 255f;
    }
  }

  /** A new array of {@code (b & 0xFF) / 255f} for every pixel. */
  public static float[] toUnitFloats(byte[] pixels) {
    float[] out = new float[pixels.length];
    toUnitFloats(pixels, out, 0);
    return out;
  }
}
