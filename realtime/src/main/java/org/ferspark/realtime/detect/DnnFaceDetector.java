package org.ferspark.realtime.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * An SSD face detector run by OpenCV's DNN module: any network whose output is a {@code DetectionOutput} blob of
 * shape {@code [1, 1, N, 7]} with rows {@code (image, class, confidence, x1, y1, x2, y2)} in [0, 1] coordinates,
 * e.g. OpenCV's {@code res10_300x300_ssd} Caffe model ({@code --detector-model X.caffemodel} with
 * {@code fer.realtime.detector.dnn-config = deploy.prototxt}) or an ONNX/TensorFlow export of the same layout.
 *
 * <p>Input: the BGR frame (or region) resized to {@code inputSize × inputSize}, mean {@code (104, 177, 123)}
 * subtracted, no channel swap — the res10 model's preprocessing. No model file ships with fer-spark, so this
 * class is not covered by a test that runs a real network.
 */
public final class DnnFaceDetector implements FaceDetector {
  private final Net net;
  private final int inputSize;
  private final float confidence;
  private final int minSize;

  /**
   * @param model weights file ({@code .caffemodel}, {@code .onnx}, {@code .pb}, …)
   * @param config network description where the format needs one ({@code .prototxt}, {@code .pbtxt}), else null
   */
  public DnnFaceDetector(Path model, Path config, int inputSize, double confidence, int minSize) {
    if (!Files.isRegularFile(model)) {
      throw new InputError("detector model " + model + " does not exist");
    }
    if (config != null && !Files.isRegularFile(config)) {
      throw new InputError("detector config " + config + " does not exist");
    }
    HaarFaceDetector.checkSize(model, "detector model");
    if (config != null) {
      HaarFaceDetector.checkSize(config, "detector config");
    }
    FaceNormalizer.loadNatives();
    Loader.load(opencv_dnn.class);
    try {
      this.net = readNet(model.toString(), config == null ? "" : config.toString(), "");
    } catch (RuntimeException e) {
      throw new InputError("OpenCV DNN cannot read detector model " + model + ": " + e.getMessage());
    }
    if (net.empty()) {
      throw new InputError("OpenCV DNN read no layers from detector model " + model);
    }
    this.inputSize = inputSize;
    this.confidence = (float) confidence;
    this.minSize = minSize;
  }

  @Override
  public List<Detection> detectScored(Mat bgr, FaceBox region, int minFace, int maxFace) {
    FaceBox area = region == null ? new FaceBox(0, 0, bgr.cols(), bgr.rows()) : region.clampTo(bgr.cols(), bgr.rows());
    if (area.isEmpty()) {
      return List.of();
    }
    int min = minFace > 0 ? minFace : minSize;
    try (PointerScope scope = new PointerScope()) {
      Mat view = region == null ? bgr : new Mat(bgr, new Rect(area.x(), area.y(), area.width(), area.height()));
      Mat blob = blobFromImage(view, 1.0, new Size(inputSize, inputSize), new Scalar(104.0, 177.0, 123.0, 0.0),
          false, false, CV_32F);
      net.setInput(blob);
      Mat out = net.forward();
      int rows = (int) (out.total() / 7);
      Mat table = out.reshape(1, rows);
      List<Detection> faces = new ArrayList<>();
      try (FloatIndexer ix = table.createIndexer()) {
        for (int i = 0; i < rows; i++) {
          float score = ix.get(i, 2);
          if (score < confidence) {
            continue;
          }
          int x1 = Math.round(ix.get(i, 3) * area.width());
          int y1 = Math.round(ix.get(i, 4) * area.height());
          int x2 = Math.round(ix.get(i, 5) * area.width());
          int y2 = Math.round(ix.get(i, 6) * area.height());
          FaceBox box = new FaceBox(area.x() + x1, area.y() + y1, x2 - x1, y2 - y1).clampTo(bgr.cols(), bgr.rows());
          int side = Math.min(box.width(), box.height());
          if (side >= min && (maxFace <= 0 || side <= maxFace)) {
            faces.add(new Detection(box, score));
          }
        }
      }
      return faces;
    }
  }

  @Override
  public void close() {
    net.close();
  }
}
