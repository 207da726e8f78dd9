package org.ferspark.preprocessing.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYCOLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_ANYDEPTH;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.config.FerConfig;

/**
 * The one face-normalisation path of fer-spark: an image (encoded bytes, a decoded frame, or gray values) and an
 * optional face box become {@code size × size} row-major uint8 grayscale, read later as {@link Tensors#NORMALISATION}.
 *
 * <p>Encoded bytes go through: file size check → {@link ImageHeader} → pixel-count check from the header (before any
 * allocation) → truncation check → decode (JPEGs straight to gray, by {@link TurboJpeg} where the system has
 * libturbojpeg: the pixels OpenCV gives, faster; everything else by OpenCV {@code imdecode}) → 8-bit → crop →
 * gray → {@code INTER_AREA} resize.
 * GIF is refused as {@code unsupported-format} (OpenCV 4.5.5 has no GIF decoder); WebP is decoded by OpenCV.
 * Truncated BMP, TIFF and WebP files surface as {@code decode-failed}. JPEGs are turned upright by their EXIF
 * orientation, so face boxes refer to the upright image.
 *
 * <p>Immutable and thread-safe: each call allocates its own native memory and frees it before returning.
 */
public final class FaceNormalizer {
  /** Reason code: the encoded file is larger than {@code fer.image.max-file-bytes}. */
  public static final String FILE_TOO_LARGE = "file-too-large";
  /** Reason code: the header declares more pixels than {@code fer.image.max-pixels}. */
  public static final String IMAGE_TOO_LARGE = "image-too-large";
  /** Reason code: a JPEG without its EOI marker or a PNG without its IEND chunk. */
  public static final String TRUNCATED_IMAGE = "truncated-image";
  /** Reason code: OpenCV could not decode the bytes (or the frame was empty). */
  public static final String DECODE_FAILED = "decode-failed";
  /** Reason code: gray values of a CSV row of the wrong count or outside 0..255. */
  public static final String BAD_PIXELS = "bad-pixels";
  /** Reason code: see {@link MatOps#BAD_FACE_BOX}. */
  public static final String BAD_FACE_BOX = MatOps.BAD_FACE_BOX;
  /** Reason code: see {@link MatOps#UNSUPPORTED_PIXEL_TYPE}. */
  public static final String UNSUPPORTED_PIXEL_TYPE = MatOps.UNSUPPORTED_PIXEL_TYPE;

  private static final AtomicBoolean SINGLE_THREADED = new AtomicBoolean();
  private static volatile boolean nativesLoaded;
  private static final byte[] JPEG_EOI = {(byte) 0xFF, (byte) 0xD9};
  private static final byte[] PNG_IEND = {'I', 'E', 'N', 'D'};
  private static final int TAIL_WINDOW = 32;

  private final int size;
  private final long maxPixels;
  private final long maxFileBytes;

  /**
   * A normaliser to {@code size × size} faces that refuses files over {@code maxFileBytes} bytes and images whose
   * header declares more than {@code maxPixels} pixels.
   */
  public FaceNormalizer(int size, long maxPixels, long maxFileBytes) {
    if (size < 1 || maxPixels < 1 || maxFileBytes < 1) {
      throw new IllegalArgumentException("size, maxPixels and maxFileBytes must be positive, got "
          + size + ", " + maxPixels + ", " + maxFileBytes);
    }
    loadNatives();
    this.size = size;
    this.maxPixels = maxPixels;
    this.maxFileBytes = maxFileBytes;
  }

  /** Reads {@code fer.image.size}, {@code fer.image.max-pixels} and {@code fer.image.max-file-bytes}. */
  public static FaceNormalizer fromConfig(Config config) {
    try {
      int size = positive(config.getInt("fer.image.size"), "fer.image.size");
      long pixels = positive(config.getLong("fer.image.max-pixels"), "fer.image.max-pixels");
      long bytes = positive(config.getBytes("fer.image.max-file-bytes"), "fer.image.max-file-bytes");
      return new FaceNormalizer(size, pixels, bytes);
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
  }

  /** Makes OpenCV single-threaded, once per JVM: Spark already runs one task per core. */
  public static void singleThreaded() {
    loadNatives();
    if (SINGLE_THREADED.compareAndSet(false, true)) {
      opencv_core.setNumThreads(1);
    }
  }

  /**
   * Loads OpenCV's native libraries once, under one lock. JavaCPP's {@code Loader} and {@code Pointer} class
   * initialisers deadlock when two threads (two Spark tasks) trigger them at the same moment; every entry point
   * of this class goes through here first.
   */
  public static void loadNatives() {
    if (!nativesLoaded) {
      synchronized (FaceNormalizer.class) {
        if (!nativesLoaded) {
          Loader.load(opencv_core.class);
          Loader.load(opencv_imgproc.class);
          Loader.load(opencv_imgcodecs.class);
          nativesLoaded = true;
        }
      }
    }
  }

  /** Side length of the output face. */
  public int size() {
    return size;
  }

  /** Decodes an encoded image (JPEG, PNG, BMP, TIFF, WebP) and normalises the face in {@code boxOrNull}. */
  public byte[] normalize(byte[] encoded, FaceBox boxOrNull) throws RejectException {
    ImageHeader header = check(encoded);
    // A JPEG decodes straight to gray: libjpeg's luma plane, without chroma upsampling, colour conversion or the BGR
    // buffer (3x faster for colour JPEGs; the same BT.601 weights as cvtColor's BGR2GRAY, within 0.02 grey levels on
    // average: FaceNormalizerTest). Other formats decode as stored and go through MatOps.toGray.
    int flags = header.format().equals("jpeg") ? IMREAD_GRAYSCALE : IMREAD_ANYDEPTH | IMREAD_ANYCOLOR;
    try (PointerScope scope = new PointerScope()) {
      return MatOps.face(decode(encoded, header, flags), boxOrNull, size);
    }
  }

  /**
   * Decodes an encoded image with the checks of {@link #normalize(byte[], FaceBox)} (file size, header, declared
   * pixel count, truncation) and OpenCV {@code imdecode} (or {@link TurboJpeg}, the same pixels) with
   * {@code imreadFlags}, e.g. {@code IMREAD_COLOR} for the 8-bit BGR a face detector takes. The caller owns the
   * returned Mat: it belongs to the caller's {@code PointerScope}, or the caller closes it.
   */
  public Mat decode(byte[] encoded, int imreadFlags) throws RejectException {
    return decode(encoded, check(encoded), imreadFlags);
  }

  /** The checks before any decoding: file size, header, declared pixel count, format, truncation. */
  private ImageHeader check(byte[] encoded) throws RejectException {
    if (encoded != null && encoded.length > maxFileBytes) {
      throw new RejectException(FILE_TOO_LARGE, encoded.length + " bytes > max-file-bytes " + maxFileBytes);
    }
    ImageHeader header = ImageHeader.read(encoded);
    if (header.pixels() > maxPixels) {
      throw new RejectException(IMAGE_TOO_LARGE, header.format() + " declares " + header.width() + "×"
          + header.height() + " = " + header.pixels() + " pixels > max-pixels " + maxPixels);
    }
    if (header.format().equals("gif")) {
      throw new RejectException(ImageHeader.UNSUPPORTED_FORMAT, "GIF cannot be decoded by OpenCV 4.5.5");
    }
    checkComplete(header.format(), encoded);
    return header;
  }

  private static Mat decode(byte[] encoded, ImageHeader header, int imreadFlags) throws RejectException {
    if (header.format().equals("jpeg") && (imreadFlags == IMREAD_GRAYSCALE || imreadFlags == IMREAD_COLOR)) {
      Mat turbo = TurboJpeg.decode(encoded, header, imreadFlags == IMREAD_GRAYSCALE);
      if (turbo != null) {
        return turbo;
      }
    }
    Mat image;
    try (Mat buffer = new Mat(1, encoded.length, CV_8UC1)) {
      buffer.data().put(encoded); // one native allocation (header and data), not a separate copy of the bytes
      image = imdecode(buffer, imreadFlags);
    } catch (RuntimeException e) {
      throw new RejectException(DECODE_FAILED, header.format() + ": " + e.getMessage());
    }
    if (image == null || image.empty()) {
      if (image != null) {
        image.close();
      }
      throw new RejectException(DECODE_FAILED, "OpenCV could not decode the " + header.format() + " data");
    }
    return image;
  }

  /** Normalises the face in {@code boxOrNull} of an already decoded frame (BGR, BGRA or gray; 8, 16 or 32F). */
  public byte[] normalize(Mat decoded, FaceBox boxOrNull) throws RejectException {
    if (decoded == null || decoded.isNull() || decoded.empty()) {
      throw new RejectException(DECODE_FAILED, "the frame is empty");
    }
    try (PointerScope scope = new PointerScope()) {
      return MatOps.face(decoded, boxOrNull, size);
    }
  }

  /** Normalises gray values 0..255 (e.g. a FER2013 CSV row), row-major {@code width × height}. */
  public byte[] fromGrayPixels(int[] values, int width, int height) throws RejectException {
    checkShape(values == null ? -1 : values.length, width, height);
    byte[] pixels = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] > 255) {
        throw new RejectException(BAD_PIXELS, "value " + values[i] + " at index " + i + " is outside 0..255");
      }
      pixels[i] = (byte) values[i];
    }
    return fromGrayPixels(pixels, width, height);
  }

  /** Normalises unsigned gray bytes, row-major {@code width × height}. */
  public byte[] fromGrayPixels(byte[] values, int width, int height) throws RejectException {
    checkShape(values == null ? -1 : values.length, width, height);
    if (width == size && height == size) {
      return values.clone();
    }
    try (PointerScope scope = new PointerScope()) {
      return MatOps.toBytes(MatOps.resizeTo(MatOps.wrapGray(values, width, height), size));
    }
  }

  private static void checkShape(int count, int width, int height) throws RejectException {
    if (width < 1 || height < 1 || count != (long) width * height) {
      throw new RejectException(BAD_PIXELS, count + " values do not make a " + width + "×" + height + " image");
    }
  }

  /** A JPEG must end with EOI and a PNG with IEND, allowing trailing zero padding. */
  private static void checkComplete(String format, byte[] bytes) throws RejectException {
    if (format.equals("jpeg") && !tailContains(bytes, JPEG_EOI)) {
      throw new RejectException(TRUNCATED_IMAGE, "jpeg has no EOI marker (FFD9) at its end");
    }
    if (format.equals("png") && !tailContains(bytes, PNG_IEND)) {
      throw new RejectException(TRUNCATED_IMAGE, "png has no IEND chunk at its end");
    }
  }

  private static boolean tailContains(byte[] bytes, byte[] needle) {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] == 0) {
      end--;
    }
    for (int start = end - needle.length; start >= Math.max(0, end - TAIL_WINDOW); start--) {
      if (Arrays.equals(bytes, start, start + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  private static <T extends Number> T positive(T value, String key) {
    if (value.longValue() < 1) {
      throw new FerConfig.ConfigError(key + " must be positive, got " + value);
    }
    return value;
  }
}
