package org.ferspark.preprocessing.image;

import java.io.Serializable;

/** A face rectangle in pixels of the source image: top-left corner, width and height. */
public record FaceBox(int x, int y, int width, int height) implements Serializable {

  /** This box clamped to an image of {@code imageWidth × imageHeight}; may have zero area. */
  public FaceBox clampTo(int imageWidth, int imageHeight) {
    int x0 = Math.max(0, Math.min(x, imageWidth));
    int y0 = Math.max(0, Math.min(y, imageHeight));
    int x1 = Math.max(0, Math.min(saturatedAdd(x, width), imageWidth));
    int y1 = Math.max(0, Math.min(saturatedAdd(y, height), imageHeight));
    return new FaceBox(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  public boolean isEmpty() {
    return width <= 0 || height <= 0;
  }

  private static int saturatedAdd(int a, int b) {
    long s = (long) a + b;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
  }

  @Override
  public String toString() {
    return "[" + x + ", " + y + ", " + width + ", " + height + "]";
  }
}
