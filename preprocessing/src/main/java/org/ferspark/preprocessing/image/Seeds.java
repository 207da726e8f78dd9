package org.ferspark.preprocessing.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable 64-bit seeds derived from an image id, a copy index and a run seed: the first 8 bytes (big-endian) of the
 * SHA-256 of {@code imageId + '\0' + copyIndex + '\0' + seed} in UTF-8. The same on every JVM, machine and run, so
 * augmented copies are reproducible wherever a Spark task happens to run.
 */
public final class Seeds {
  private Seeds() {}

  /** The seed of copy {@code copyIndex} of image {@code imageId} in a run seeded with {@code seed}. */
  public static long of(String imageId, int copyIndex, long seed) {
    String key = imageId + '\u0000' + copyIndex + '\u0000' + seed;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
