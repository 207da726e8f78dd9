package org.ferspark.preprocessing.io;

import java.io.IOException;
import java.io.InputStream;

/** Reads a stream whole only up to a bound, so a file that inflates or grows past it never fills the heap. */
public final class BoundedRead {
  private BoundedRead() {
  }

  /** A file, entry or stream larger than its configured bound; the message says which bound. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public TooLargeException(String message) {
      super(message);
    }
  }

  /**
   * All bytes of {@code in}, at most {@code limit} of them.
   *
   * @param what names the data and its bound for the message, e.g. {@code "configuration.json"}
   * @param key the configuration key of the bound
   * @throws TooLargeException if the stream holds more than {@code limit} bytes (after reading {@code limit + 1})
   */
  public static byte[] readAtMost(InputStream in, long limit, String what, String key) throws IOException {
    int cap = (int) Math.min(limit, Integer.MAX_VALUE - 16);
    byte[] bytes = in.readNBytes(cap);
    if (in.read() >= 0) {
      throw tooLarge(what, limit, key);
    }
    return bytes;
  }

  /** Reads and discards {@code in}, returning its length; stops with an error after {@code limit} bytes. */
  public static long countAtMost(InputStream in, long limit, String what, String key) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
      if (total > limit) {
        throw tooLarge(what, limit, key);
      }
    }
    return total;
  }

  /** Refuses a declared size (zip entry header, file length) above {@code limit} before anything is read. */
  public static void checkDeclared(long size, long limit, String what, String key) throws TooLargeException {
    if (size > limit) {
      throw new TooLargeException(what + " is " + size + " bytes, more than " + key + " = " + limit);
    }
  }

  private static TooLargeException tooLarge(String what, long limit, String key) {
    return new TooLargeException(what + " is larger than " + key + " = " + limit + " bytes (a decompression "
        + "bomb or not this kind of file)");
  }
}
