package org.ferspark.preprocessing.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding through the system's TurboJPEG library ({@code libturbojpeg.so.0}, Debian's {@code libturbojpeg0}),
 * which is libjpeg-turbo with its SIMD code. The libjpeg-turbo inside JavaCPP's OpenCV 4.5.5 is built without SIMD:
 * a 48×48 FER2013 JPEG decodes in about 25 µs there and 17 µs here (bench/RESULTS.md, issue 19).
 *
 * <p>The pixels are those OpenCV's {@code imdecode} gives, bit for bit: both run libjpeg-turbo's accurate integer
 * IDCT (its SIMD version is exact) with fancy upsampling, and ask libjpeg for {@code JCS_GRAYSCALE} (gray: the luma
 * plane) or {@code JCS_EXT_BGR} (colour). Where the two could differ this class declines and OpenCV decodes:
 * a JPEG with an APP1 segment before its scan (OpenCV reads the EXIF orientation from the first APP1 and turns the
 * image upright), any libjpeg warning or error (a corrupt stream: OpenCV's tolerance decides, and its reject
 * reasons), CMYK/YCCK JPEGs and anything TurboJPEG refuses. {@code TurboJpegTest} compares the two decoders.
 *
 * <p>Off with {@code -Dorg.ferspark.turbojpeg=off} (or {@code FER_TURBOJPEG=off}); a path there names the library
 * file. Without the library every JPEG goes to OpenCV, logged once. TurboJPEG handles are not thread-safe: one per
 * thread, kept for the thread's life.
 */
final class TurboJpeg {
  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);
  private static final String PROPERTY = "org.ferspark.turbojpeg";
  private static final int TJPF_BGR = 1;
  private static final int TJPF_GRAY = 6;
  private static final ThreadLocal<Pointer> HANDLES = new ThreadLocal<>();
  private static volatile Boolean loaded;

  private TurboJpeg() {}

  /** The TurboJPEG C API, bound by JNA's direct mapping (no per-call reflection). */
  private static final class Lib {
    static native Pointer tjInitDecompress();

    static native int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, Pointer dst, int width, int pitch,
        int height, int pixelFormat, int flags);

    private Lib() {}
  }

  /** Whether the library is loaded (tried once per JVM). */
  static boolean available() {
    Boolean l = loaded;
    if (l == null) {
      synchronized (TurboJpeg.class) {
        l = loaded;
        if (l == null) {
          l = load();
          loaded = l;
        }
      }
    }
    return l;
  }

  private static boolean load() {
    String setting = System.getProperty(PROPERTY, System.getenv().getOrDefault("FER_TURBOJPEG", "auto"));
    if (setting.toLowerCase(Locale.ROOT).matches("off|false|no|0")) {
      LOG.info("JPEG decoding: OpenCV's libjpeg-turbo ({} = {})", PROPERTY, setting);
      return false;
    }
    List<String> names = setting.equalsIgnoreCase("auto") ? List.of("turbojpeg", "libturbojpeg.so.0") : List.of(setting);
    Throwable last = null;
    for (String name : names) {
      try {
        NativeLibrary library = NativeLibrary.getInstance(name);
        Native.register(Lib.class, library);
        LOG.info("JPEG decoding: TurboJPEG {} (libjpeg-turbo with SIMD); OpenCV for the JPEGs it declines",
            library.getFile());
        return true;
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        last = e;
      }
    }
    LOG.info("JPEG decoding: OpenCV's libjpeg-turbo, built without SIMD (about 1.5x slower on small faces): no "
        + "TurboJPEG library ({}); install it with 'apt-get install libturbojpeg0'", last.getMessage());
    return false;
  }

  /**
   * The decoded image, 8-bit gray ({@code gray}) or BGR, in a new Mat the caller owns; null where OpenCV must decode
   * it (see the class comment). {@code header} is {@link ImageHeader#read} of {@code jpeg} (a size of at least 1×1).
   */
  static Mat decode(byte[] jpeg, ImageHeader header, boolean gray) {
    if (!available() || ImageHeader.jpegHasApp1BeforeScan(jpeg)) {
      return null;
    }
    Pointer handle = handle();
    if (handle == null) {
      return null;
    }
    // The size is the start-of-frame's, as ImageHeader read it (the frame libjpeg decodes: the first one), so the
    // header is not parsed a second time (tjDecompressHeader3: a tenth of a 48x48 decode). A CMYK or YCCK JPEG
    // fails here: libjpeg has no conversion from them to gray or BGR (JERR_CONVERSION_NOTIMPL), and OpenCV decodes.
    int channels = gray ? 1 : 3;
    Mat image = new Mat(header.height(), header.width(), gray ? CV_8UC1 : CV_8UC3);
    int rc = Lib.tjDecompress2(handle, jpeg, new NativeLong(jpeg.length), new Pointer(image.data().address()),
        header.width(), header.width() * channels, header.height(), gray ? TJPF_GRAY : TJPF_BGR, 0);
    if (rc != 0) {
      image.close();
      return null;
    }
    return image;
  }

  private static Pointer handle() {
    Pointer handle = HANDLES.get();
    if (handle == null) {
      handle = Lib.tjInitDecompress();
      if (handle == null) {
        return null;
      }
      HANDLES.set(handle);
    }
    return handle;
  }
}
