package org.ferspark.realtime.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * MediaPipe's short-range BlazeFace network (128×128 input; finds faces filling from about a quarter to all of it)
 * run by OpenCV's DNN module on one square input. The ONNX file ships as a classpath resource
 * ({@code blazeface/README.md}: origin, version, sha256, Apache-2.0 licence).
 *
 * <p>Decoding follows MediaPipe's {@code TfLiteTensorsToDetectionsCalculator} for this model: 896 anchors, a 16×16
 * grid with 2 anchors per cell and an 8×8 grid with 6 per cell (strides 8 and 16), anchor centres at the cell
 * centres and unit anchor size; per anchor a raw score (sigmoid → [0, 1]) and 16 regressors of which the first 4 are
 * the box centre offset and size in input pixels (the other 12: six keypoints, unused here). Input: RGB scaled to
 * [−1, 1], NHWC (the Barracuda conversion of the model keeps TensorFlow's layout).
 */
final class BlazeFaceNet implements AutoCloseable {
  static final String MODEL = "face_detection_front_128x128_barracuda.onnx";
  /** Input side in pixels. */
  static final int SIZE = 128;
  /**
   * Smallest face side the network finds reliably, as a fraction of its input: FER2013 validation faces composited
   * at 32 px (0.25) were found in 95 % of cases, at 24 px in 70 %, at 20 px in 3 %.
   */
  static final double MIN_FRACTION = 0.25;

  /** A raw detection in input-normalised coordinates: centre, size (fractions of the input side), score. */
  record Raw(float cx, float cy, float w, float h, float score) {
  }

  static final String RESOURCE_DIR = "/org/ferspark/realtime/detect/blazeface/";
  private static final int[][] GRIDS = {{16, 2}, {8, 6}};
  private static final int REGRESSORS = 16;
  private static final float SCORE_CLIP = 100f;

  private final Net net;
  private final StringVector outputNames;
  private final float[] anchorX;
  private final float[] anchorY;
  private final Mat canvas;
  private final Mat rgb = new Mat();
  private final Mat input;
  private final Mat blob;

  BlazeFaceNet() {
    FaceNormalizer.loadNatives();
    Loader.load(opencv_dnn.class);
    byte[] onnx = resource(MODEL);
    try (BytePointer buffer = new BytePointer(onnx)) {
      this.net = readNetFromONNX(buffer, onnx.length);
    }
    if (net.empty()) {
      throw new IllegalStateException("OpenCV DNN read no layers from " + MODEL);
    }
    // output order by name: Identity (scores, 16x16 grid), Identity_1 (scores, 8x8), Identity_2, Identity_3 (boxes)
    List<String> names = new ArrayList<>();
    StringVector unconnected = net.getUnconnectedOutLayersNames();
    for (long i = 0; i < unconnected.size(); i++) {
      names.add(unconnected.get(i).getString());
    }
    unconnected.close();
    names.sort(null);
    if (names.size() != 4) {
      throw new IllegalStateException(MODEL + " has outputs " + names + ", expected 4");
    }
    this.outputNames = new StringVector(names.toArray(new String[0]));
    int anchors = 0;
    for (int[] g : GRIDS) {
      anchors += g[0] * g[0] * g[1];
    }
    anchorX = new float[anchors];
    anchorY = new float[anchors];
    int a = 0;
    for (int[] g : GRIDS) {
      for (int y = 0; y < g[0]; y++) {
        for (int x = 0; x < g[0]; x++) {
          for (int k = 0; k < g[1]; k++) {
            anchorX[a] = (x + 0.5f) / g[0];
            anchorY[a] = (y + 0.5f) / g[0];
            a++;
          }
        }
      }
    }
    int s = SIZE;
    canvas = new Mat(s, s, CV_8UC3);
    input = new Mat(s, s, org.bytedeco.opencv.global.opencv_core.CV_32FC3);
    blob = new Mat(new int[] {1, s, s, 3}, CV_32F, input.data());
  }

  /** Number of anchors (896 for both models). */
  int anchors() {
    return anchorX.length;
  }

  /**
   * Runs the network on {@code area} of {@code bgr} scaled by {@code SIZE / side} into the top-left corner of the
   * input (the rest mid-gray, which is 0 after scaling): a letterboxed square tile of side {@code side} pixels.
   *
   * @return detections with score above {@code minScore}, in input-normalised coordinates of that tile
   */
  List<Raw> run(Mat bgr, FaceBox area, int side, float minScore) {
    int s = SIZE;
    double scale = (double) s / side;
    int w = Math.max(1, Math.min(s, (int) Math.round(area.width() * scale)));
    int h = Math.max(1, Math.min(s, (int) Math.round(area.height() * scale)));
    try (PointerScope scope = new PointerScope()) {
      canvas.put(new Scalar(127.5, 127.5, 127.5, 0));
      Mat view = new Mat(bgr, new Rect(area.x(), area.y(), area.width(), area.height()));
      Mat target = new Mat(canvas, new Rect(0, 0, w, h));
      resize(view, target, new Size(w, h), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
      cvtColor(canvas, rgb, COLOR_BGR2RGB);
      rgb.convertTo(input, CV_32F, 1 / 127.5, -1.0);
      net.setInput(blob);
      MatVector outs = new MatVector();
      net.forward(outs, outputNames);
      return decode(outs.get(0), outs.get(1), outs.get(2), outs.get(3), minScore);
    }
  }

  private List<Raw> decode(Mat scores16, Mat scores8, Mat boxes16, Mat boxes8, float minScore) {
    float[] s16 = floats(scores16);
    float[] s8 = floats(scores8);
    float[] b16 = floats(boxes16);
    float[] b8 = floats(boxes8);
    List<Raw> out = new ArrayList<>();
    float inv = 1f / SIZE;
    for (int a = 0; a < anchors(); a++) {
      boolean first = a < s16.length;
      int i = first ? a : a - s16.length;
      float score = sigmoid(first ? s16[i] : s8[i]);
      if (!(score > minScore)) {
        continue;
      }
      float[] b = first ? b16 : b8;
      int o = i * REGRESSORS;
      float cx = anchorX[a] + b[o] * inv;
      float cy = anchorY[a] + b[o + 1] * inv;
      float w = b[o + 2] * inv;
      float h = b[o + 3] * inv;
      if (w > 0 && h > 0) {
        out.add(new Raw(cx, cy, w, h, score));
      }
    }
    return out;
  }

  /** The elements of a continuous float Mat of any shape, in memory order. */
  private static float[] floats(Mat m) {
    float[] v = new float[(int) m.total()];
    try (FloatPointer p = new FloatPointer(m.data())) {
      p.get(v);
    }
    return v;
  }

  static float sigmoid(float x) {
    float c = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, x));
    return (float) (1 / (1 + Math.exp(-c)));
  }

  static byte[] resource(String name) {
    try (InputStream in = BlazeFaceNet.class.getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("the realtime jar has no " + RESOURCE_DIR + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE_DIR + name, e);
    }
  }

  @Override
  public void close() {
    net.close();
    outputNames.close();
    blob.close();
    input.close();
    rgb.close();
    canvas.close();
  }
}
