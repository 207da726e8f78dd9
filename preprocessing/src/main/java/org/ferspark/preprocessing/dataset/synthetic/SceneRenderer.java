package org.ferspark.preprocessing.dataset.synthetic;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * Renders one synthetic AffectNet-shaped photo: a BGR background (blotchy noise, a gradient or stripes, plus
 * grain) with a FER2013 face upscaled into the face box and tinted to a skin-like colour, encoded as JPEG.
 * All randomness comes from the given {@link SplittableRandom}, so the bytes are a function of it.
 */
final class SceneRenderer {
  private SceneRenderer() {
  }

  /** JPEG bytes of a {@code width × height} scene; {@code face} may be null (a No-Face image). */
  static byte[] renderJpeg(int width, int height, Path face, FaceBox box, SplittableRandom random, int quality) {
    return face == null ? renderJpeg(width, height, List.of(), List.of(), random, quality)
        : renderJpeg(width, height, List.of(face), List.of(box), random, quality);
  }

  /** JPEG bytes of a {@code width × height} scene with {@code faces.get(i)} pasted into {@code boxes.get(i)}. */
  static byte[] renderJpeg(int width, int height, List<Path> faces, List<FaceBox> boxes, SplittableRandom random,
      int quality) {
    if (faces.size() != boxes.size()) {
      throw new IllegalArgumentException(faces.size() + " faces for " + boxes.size() + " boxes");
    }
    byte[] pixels = new byte[width * height * 3];
    switch (random.nextInt(3)) {
      case 0 -> blotches(pixels, width, height, random);
      case 1 -> gradient(pixels, width, height, random);
      default -> stripes(pixels, width, height, random);
    }
    grain(pixels, random, 4 + random.nextInt(16));
    for (int i = 0; i < faces.size(); i++) {
      pasteFace(pixels, width, faces.get(i), boxes.get(i), random);
    }
    try (Mat image = new Mat(height, width, CV_8UC3);
         BytePointer jpeg = new BytePointer();
         IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
      image.data().put(pixels);
      if (!imencode(".jpg", image, jpeg, params)) {
        throw new IllegalStateException("OpenCV could not encode a " + width + "x" + height + " JPEG");
      }
      byte[] out = new byte[(int) jpeg.limit()];
      jpeg.get(out);
      return out;
    }
  }

  private static void blotches(byte[] px, int w, int h, SplittableRandom random) {
    int cw = 4 + random.nextInt(12);
    int ch = 4 + random.nextInt(12);
    byte[] coarse = new byte[cw * ch * 3];
    for (int i = 0; i < coarse.length; i++) {
      coarse[i] = (byte) random.nextInt(256);
    }
    try (Mat small = new Mat(ch, cw, CV_8UC3); Mat big = new Mat(); Size size = new Size(w, h)) {
      small.data().put(coarse);
      resize(small, big, size, 0, 0, INTER_LINEAR);
      big.data().get(px);
    }
  }

  private static void gradient(byte[] px, int w, int h, SplittableRandom random) {
    int[] c0 = color(random);
    int[] c1 = color(random);
    double angle = random.nextDouble() * 2 * Math.PI;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double span = Math.abs(cos) * w + Math.abs(sin) * h;
    double min = Math.min(0, cos * w) + Math.min(0, sin * h);
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = (x * cos + y * sin - min) / span;
        for (int c = 0; c < 3; c++) {
          px[i++] = (byte) (c0[c] + (c1[c] - c0[c]) * t);
        }
      }
    }
  }

  private static void stripes(byte[] px, int w, int h, SplittableRandom random) {
    int[] a = color(random);
    int[] b = color(random);
    double period = 8 + random.nextInt(40);
    double angle = random.nextDouble() * Math.PI;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int[] c = Math.floorMod((long) Math.floor((x * cos + y * sin) / period), 2) == 0 ? a : b;
        px[i++] = (byte) c[0];
        px[i++] = (byte) c[1];
        px[i++] = (byte) c[2];
      }
    }
  }

  private static void grain(byte[] px, SplittableRandom random, int amplitude) {
    for (int i = 0; i < px.length; i++) {
      int v = (px[i] & 0xff) + random.nextInt(2 * amplitude + 1) - amplitude;
      px[i] = (byte) Math.max(0, Math.min(255, v));
    }
  }

  private static void pasteFace(byte[] px, int width, Path face, FaceBox box, SplittableRandom random) {
    double[] tint = {0.70 + 0.15 * random.nextDouble(), 0.80 + 0.15 * random.nextDouble(),
        0.95 + 0.10 * random.nextDouble()}; // B, G, R: warm, skin-like
    int offset = random.nextInt(21) - 10;
    byte[] gray = new byte[box.width() * box.height()];
    try (Mat src = imread(face.toString(), IMREAD_GRAYSCALE); Mat scaled = new Mat();
         Size size = new Size(box.width(), box.height())) {
      if (src.empty() || src.type() != CV_8UC1) {
        throw new IllegalArgumentException("cannot read FER face image " + face);
      }
      resize(src, scaled, size, 0, 0, INTER_CUBIC);
      scaled.data().get(gray);
    }
    for (int y = 0; y < box.height(); y++) {
      int row = ((box.y() + y) * width + box.x()) * 3;
      for (int x = 0; x < box.width(); x++) {
        int g = gray[y * box.width() + x] & 0xff;
        for (int c = 0; c < 3; c++) {
          px[row + 3 * x + c] = (byte) Math.max(0, Math.min(255, (int) (g * tint[c]) + offset));
        }
      }
    }
  }

  private static int[] color(SplittableRandom random) {
    return new int[] {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
  }
}
