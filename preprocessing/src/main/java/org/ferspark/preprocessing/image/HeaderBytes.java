package org.ferspark.preprocessing.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A bounds-checked reader of unsigned integers at absolute offsets of an encoded image; a read past the end throws
 * {@code corrupt-header} instead of an index exception. Offsets are {@code long} so that offsets taken from a
 * hostile header cannot overflow.
 */
final class HeaderBytes {
  private final byte[] bytes;
  private final String format;

  HeaderBytes(byte[] bytes, String format) {
    this.bytes = bytes;
    this.format = format;
  }

  int u8(long offset) throws RejectException {
    if (offset < 0 || offset >= bytes.length) {
      throw ImageHeader.corrupt(format, "header ends at byte " + bytes.length + ", needed offset " + offset);
    }
    return bytes[(int) offset] & 0xFF;
  }

  int u16be(long offset) throws RejectException {
    return (u8(offset) << 8) | u8(offset + 1);
  }

  int u16le(long offset) throws RejectException {
    return u8(offset) | (u8(offset + 1) << 8);
  }

  int u16(long offset, boolean littleEndian) throws RejectException {
    return littleEndian ? u16le(offset) : u16be(offset);
  }

  long u24le(long offset) throws RejectException {
    return u16le(offset) | ((long) u8(offset + 2) << 16);
  }

  long u32be(long offset) throws RejectException {
    return ((long) u16be(offset) << 16) | u16be(offset + 2);
  }

  long u32le(long offset) throws RejectException {
    return u16le(offset) | ((long) u16le(offset + 2) << 16);
  }

  long u32(long offset, boolean littleEndian) throws RejectException {
    return littleEndian ? u32le(offset) : u32be(offset);
  }

  long s32le(long offset) throws RejectException {
    return (int) u32le(offset);
  }

  String ascii(long offset, int length) throws RejectException {
    u8(offset);
    u8(offset + length - 1);
    return new String(bytes, (int) offset, length, StandardCharsets.ISO_8859_1);
  }

  /** The first {@code max} bytes in hexadecimal, for error messages. */
  static String hex(byte[] bytes, int max) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(max, bytes.length); i++) {
      hex.append(String.format(Locale.ROOT, "%02X", bytes[i] & 0xFF));
    }
    return hex.toString();
  }
}
