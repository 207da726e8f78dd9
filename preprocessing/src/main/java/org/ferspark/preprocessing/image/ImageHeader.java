package org.ferspark.preprocessing.image;

import java.util.Arrays;

/**
 * The format and declared pixel dimensions of an encoded image, read from its first bytes without decoding.
 *
 * <p>Recognised by magic bytes: JPEG, PNG, BMP, TIFF (with dimensions), GIF and WebP (dimensions parsed where the
 * header carries them). This lets callers refuse decompression bombs before any pixel buffer is allocated.
 *
 * @param format lower-case format name: {@code jpeg}, {@code png}, {@code bmp}, {@code tiff}, {@code gif}, {@code webp}
 * @param width declared width in pixels, at least 1
 * @param height declared height in pixels, at least 1
 */
public record ImageHeader(String format, int width, int height) {

  /** Reason code: the input has no bytes. */
  public static final String EMPTY_FILE = "empty-file";
  /** Reason code: the magic bytes belong to no recognised image format. */
  public static final String UNSUPPORTED_FORMAT = "unsupported-format";
  /** Reason code: the magic bytes are recognised but the dimensions cannot be read or are zero. */
  public static final String CORRUPT_HEADER = "corrupt-header";

  /** Declared pixel count, {@code width × height}, without overflow. */
  public long pixels() {
    return (long) width * height;
  }

  /**
   * Sniffs the format and parses the declared dimensions of {@code bytes}.
   *
   * @throws RejectException with reason {@code empty-file}, {@code unsupported-format} or {@code corrupt-header};
   *     never any other exception, whatever the input
   */
  public static ImageHeader read(byte[] bytes) throws RejectException {
    if (bytes == null || bytes.length == 0) {
      throw new RejectException(EMPTY_FILE, "the file has 0 bytes");
    }
    String format = sniff(bytes);
    if (format == null) {
      throw new RejectException(UNSUPPORTED_FORMAT, "unrecognised magic bytes " + HeaderBytes.hex(bytes, 8));
    }
    HeaderBytes b = new HeaderBytes(bytes, format);
    return switch (format) {
      case "jpeg" -> jpeg(b);
      case "png" -> checked(format, b.u32be(16), b.u32be(20), b.ascii(12, 4).equals("IHDR"));
      case "bmp" -> bmp(b);
      case "tiff" -> tiff(b);
      case "gif" -> checked(format, b.u16le(6), b.u16le(8), true);
      default -> webp(b);
    };
  }

  /** The format whose magic bytes start {@code bytes}, or null. */
  private static String sniff(byte[] bytes) {
    if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
      return "jpeg";
    } else if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "png";
    } else if (startsWith(bytes, 'B', 'M')) {
      return "bmp";
    } else if (startsWith(bytes, 'I', 'I', 42, 0) || startsWith(bytes, 'M', 'M', 0, 42)) {
      return "tiff";
    } else if (startsWith(bytes, 'G', 'I', 'F', '8')) {
      return "gif";
    } else if (startsWith(bytes, 'R', 'I', 'F', 'F') && bytes.length >= 12
        && startsWith(Arrays.copyOfRange(bytes, 8, 12), 'W', 'E', 'B', 'P')) {
      return "webp";
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, int... magic) {
    if (bytes.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((bytes[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** Scans JPEG markers up to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC). */
  private static ImageHeader jpeg(HeaderBytes b) throws RejectException {
    ImageHeader[] found = new ImageHeader[1];
    walkJpeg(b, (marker, pos) -> {
      if (marker == 0xD9 || marker == 0xDA) {
        throw corrupt("jpeg", "no start-of-frame marker before " + (marker == 0xDA ? "SOS" : "EOI"));
      }
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        found[0] = checked("jpeg", b.u16be(pos + 5), b.u16be(pos + 3), true);
      }
      return !sof;
    });
    return found[0];
  }

  /**
   * Whether a JPEG has an APP1 segment (EXIF or XMP, where OpenCV reads the orientation it applies) before its first
   * scan; also true where the markers cannot be walked to a scan.
   */
  static boolean jpegHasApp1BeforeScan(byte[] bytes) {
    boolean[] app1 = {false};
    try {
      walkJpeg(new HeaderBytes(bytes, "jpeg"), (marker, pos) -> {
        app1[0] = marker == 0xE1 || marker == 0xD9;
        return !app1[0] && marker != 0xDA;
      });
      return app1[0];
    } catch (RejectException e) {
      return true;
    }
  }

  /** A JPEG marker and the offset of its segment's length field; false ends the walk. */
  private interface MarkerVisitor {
    boolean visit(int marker, long pos) throws RejectException;
  }

  /**
   * Walks a JPEG's markers from SOI: fill bytes and standalone markers (TEM, RST0–7, SOI) are skipped, EOI and SOS
   * end the walk after the visitor has seen them (no length is read), every other segment goes to it once its length
   * is checked.
   */
  private static void walkJpeg(HeaderBytes b, MarkerVisitor visitor) throws RejectException {
    long pos = 2;
    while (true) {
      if (b.u8(pos) != 0xFF) {
        throw corrupt("jpeg", "expected a marker at offset " + pos);
      }
      while (b.u8(pos) == 0xFF) {
        pos++;
      }
      int marker = b.u8(pos);
      pos++;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        visitor.visit(marker, pos);
        return;
      }
      int length = b.u16be(pos);
      if (length < 2) {
        throw corrupt("jpeg", "segment length " + length + " at offset " + pos);
      }
      if (!visitor.visit(marker, pos)) {
        return;
      }
      pos += length;
    }
  }

  /** BITMAPCOREHEADER (12 bytes, unsigned 16-bit dims) or the BITMAPINFOHEADER family (signed 32-bit dims). */
  private static ImageHeader bmp(HeaderBytes b) throws RejectException {
    long dibSize = b.u32le(14);
    if (dibSize == 12) {
      return checked("bmp", b.u16le(18), b.u16le(20), true);
    }
    if (dibSize < 16 || dibSize > 1024) {
      throw corrupt("bmp", "unknown DIB header size " + dibSize);
    }
    long width = b.s32le(18);
    long height = Math.abs(b.s32le(22));
    return checked("bmp", width, height, true);
  }

  /** Classic TIFF: tags 256 (ImageWidth) and 257 (ImageLength) of the first IFD, SHORT or LONG. */
  private static ImageHeader tiff(HeaderBytes b) throws RejectException {
    boolean le = b.u8(0) == 'I';
    long ifd = b.u32(4, le);
    int count = b.u16(ifd, le);
    long width = -1;
    long height = -1;
    for (int i = 0; i < count && (width < 0 || height < 0); i++) {
      long entry = ifd + 2 + 12L * i;
      int tag = b.u16(entry, le);
      if (tag != 256 && tag != 257) {
        continue;
      }
      int type = b.u16(entry + 2, le);
      long value;
      if (type == 3) {
        value = b.u16(entry + 8, le);
      } else if (type == 4) {
        value = b.u32(entry + 8, le);
      } else {
        throw corrupt("tiff", "tag " + tag + " has type " + type + ", expected SHORT or LONG");
      }
      if (tag == 256) {
        width = value;
      } else {
        height = value;
      }
    }
    return checked("tiff", width, height, true);
  }

  /** WebP: lossy (VP8), lossless (VP8L) or extended (VP8X) first chunk. */
  private static ImageHeader webp(HeaderBytes b) throws RejectException {
    String chunk = b.ascii(12, 4);
    switch (chunk) {
      case "VP8 ":
        return checked("webp", b.u16le(26) & 0x3FFF, b.u16le(28) & 0x3FFF, true);
      case "VP8L": {
        long bits = b.u32le(21);
        return checked("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, b.u8(20) == 0x2F);
      }
      case "VP8X":
        return checked("webp", b.u24le(24) + 1, b.u24le(27) + 1, true);
      default:
        throw corrupt("webp", "unknown first chunk '" + chunk + "'");
    }
  }

  private static ImageHeader checked(String format, long width, long height, boolean valid) throws RejectException {
    if (!valid) {
      throw corrupt(format, "missing image header chunk");
    }
    if (width <= 0 || height <= 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw corrupt(format, "declared size " + width + "×" + height + " is not a valid image size");
    }
    return new ImageHeader(format, (int) width, (int) height);
  }

  static RejectException corrupt(String format, String detail) {
    return new RejectException(CORRUPT_HEADER, format + ": " + detail);
  }
}
