package org.ferspark.realtime.source;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.javacv.OpenCVFrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceNormalizer;

/** Frames from camera {@code N} through OpenCV's {@code VideoCapture} ({@link OpenCVFrameGrabber}). */
public final class CameraSource implements FrameSource {
  private final OpenCVFrameGrabber grabber;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private final long startNanos = System.nanoTime();
  private long index;

  private CameraSource(OpenCVFrameGrabber grabber) {
    this.grabber = grabber;
  }

  /**
   * Opens camera {@code n}.
   *
   * @throws InputError when there is no such camera, saying so and showing the {@code --video FILE} alternative
   */
  public static CameraSource open(int n) {
    FaceNormalizer.loadNatives();
    Path device = Path.of("/dev/video" + n);
    if (n < 0 || isLinux() && !Files.exists(device)) {
      throw noCamera(n, n < 0 ? "camera numbers start at 0" : device + " does not exist");
    }
    OpenCVFrameGrabber grabber = new OpenCVFrameGrabber(n);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(grabber);
      throw noCamera(n, "OpenCV could not open it: " + e.getMessage());
    }
    return new CameraSource(grabber);
  }

  static InputError noCamera(int n, String why) {
    return new InputError("no camera " + n + " was found (" + why + "). To run on a recorded video instead: "
        + "submit-scripts/realtime.sh --video FILE");
  }

  @Override
  public GrabbedFrame grab() {
    Frame frame;
    try {
      frame = grabber.grab();
    } catch (FrameGrabber.Exception e) {
      throw new InputError("camera stopped delivering frames: " + e.getMessage());
    }
    if (frame == null || frame.image == null) {
      return null;
    }
    Mat bgr = converter.convert(frame);
    return new GrabbedFrame(bgr, index++, (System.nanoTime() - startNanos) / 1e9, null);
  }

  @Override
  public double frameRate() {
    double rate = grabber.getFrameRate();
    return rate > 0 && rate < 1000 ? rate : 0;
  }

  @Override
  public void close() {
    release(grabber);
    converter.close();
  }

  private static void release(FrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      // closing after a failure: nothing more to report
    }
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase().contains("linux");
  }
}
