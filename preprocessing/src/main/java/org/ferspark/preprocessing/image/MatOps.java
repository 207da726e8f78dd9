package org.ferspark.preprocessing.image;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The decoded-image half of face normalisation, shared by every entry point: crop → 8-bit → grayscale → resize →
 * row-major bytes. Every {@link Mat} made here belongs to the caller's {@code PointerScope}.
 */
final class MatOps {
  /** Reason code: the face box, clamped to the image, has no pixels. */
  static final String BAD_FACE_BOX = "bad-face-box";
  /** Reason code: a depth or channel count the pipeline cannot turn into 8-bit grayscale. */
  static final String UNSUPPORTED_PIXEL_TYPE = "unsupported-pixel-type";

  private MatOps() {}

  /** The face of {@code image} inside {@code boxOrNull} (whole image if null) as {@code size × size} gray bytes. */
  static byte[] face(Mat image, FaceBox boxOrNull, int size) throws RejectException {
    Mat cropped = crop(image, boxOrNull);
    return toBytes(resizeTo(toGray(to8Bit(cropped)), size));
  }

  /** A view of the box clamped to the image; the whole image for a null box. */
  static Mat crop(Mat image, FaceBox boxOrNull) throws RejectException {
    if (boxOrNull == null) {
      return image;
    }
    FaceBox clamped = boxOrNull.clampTo(image.cols(), image.rows());
    if (clamped.isEmpty()) {
      throw new RejectException(BAD_FACE_BOX, "face box " + boxOrNull + " has no pixels inside the "
          + image.cols() + "×" + image.rows() + " image (clamped: " + clamped + ")");
    }
    if (clamped.width() == image.cols() && clamped.height() == image.rows()) {
      return image;
    }
    return new Mat(image, new Rect(clamped.x(), clamped.y(), clamped.width(), clamped.height()));
  }

  /** 8-bit as is; 16-bit scaled by 1/257; 32-bit float taken as [0,1] and scaled by 255 with saturation. */
  static Mat to8Bit(Mat m) throws RejectException {
    int depth = m.depth();
    if (depth == CV_8U) {
      return m;
    }
    double scale;
    if (depth == CV_16U) {
      scale = 1 / 257.0;
    } else if (depth == CV_32F) {
      scale = 255.0;
    } else {
      throw new RejectException(UNSUPPORTED_PIXEL_TYPE, "pixel depth " + depthName(depth)
          + " (supported: 8U, 16U, 32F)");
    }
    Mat out = new Mat();
    m.convertTo(out, CV_8U, scale, 0);
    return out;
  }

  /** One channel as is; BGR and BGRA converted with OpenCV's luma weights. */
  static Mat toGray(Mat m) throws RejectException {
    int channels = m.channels();
    if (channels == 1) {
      return m;
    }
    int code;
    if (channels == 3) {
      code = COLOR_BGR2GRAY;
    } else if (channels == 4) {
      code = COLOR_BGRA2GRAY;
    } else {
      throw new RejectException(UNSUPPORTED_PIXEL_TYPE, channels + " channels (supported: 1, 3, 4)");
    }
    Mat out = new Mat();
    cvtColor(m, out, code);
    return out;
  }

  /** Area-resampled to {@code size × size}; unchanged when it already has that size. */
  static Mat resizeTo(Mat m, int size) {
    if (m.cols() == size && m.rows() == size) {
      return m;
    }
    Mat out = new Mat();
    resize(m, out, new Size(size, size), 0, 0, INTER_AREA);
    return out;
  }

  /** A one-channel 8-bit Mat over a native copy of {@code pixels} (row-major, {@code width × height}). */
  static Mat wrapGray(byte[] pixels, int width, int height) {
    return new Mat(height, width, CV_8UC1, new BytePointer(pixels));
  }

  /** The pixels of a one-channel 8-bit Mat, row-major. */
  static byte[] toBytes(Mat gray) {
    Mat continuous = gray.isContinuous() ? gray : gray.clone();
    byte[] out = new byte[continuous.rows() * continuous.cols()];
    continuous.data().get(out);
    return out;
  }

  private static String depthName(int depth) {
    String[] names = {"8U", "8S", "16U", "16S", "32S", "32F", "64F", "16F"};
    return depth >= 0 && depth < names.length ? names[depth] : String.valueOf(depth);
  }
}
