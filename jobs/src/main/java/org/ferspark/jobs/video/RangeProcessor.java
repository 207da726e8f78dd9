package org.ferspark.jobs.video;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.realtime.app.FrameAnalyzer;
import org.ferspark.realtime.source.GrabbedFrame;

/**
 * Analyses one {@link RangeTask} with the realtime module's per-frame step ({@link FrameAnalyzer}: detect → track
 * → classify → smooth, the realtime loop's own code): seeks to the pre-roll start by timestamp, decodes forward,
 * analyses the sampled frames ({@link Sampling}) until the range's end. The first analysed frame is searched whole
 * and so is every frame after the frame size changes (tracks restart). Decoding errors end the range and are
 * reported, never thrown. Memory does not grow with the video: one frame at a time, the range's face rows kept.
 */
public final class RangeProcessor {
  private RangeProcessor() {
  }

  /** Analyses {@code task}; {@code analyzer} is fresh (no tracks) and owned by the caller. */
  public static RangeResult run(RangeTask task, FrameAnalyzer analyzer, Configuration conf) {
    long t0 = System.nanoTime();
    RangeResult r = new RangeResult();
    r.video = task.video;
    r.range = task.range;
    r.start = task.start;
    r.end = task.end;
    Sampling sampling = new Sampling(task.frameRate, task.sampleFps);
    try (VideoInput input = VideoInput.open(task.video, conf);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      FFmpegFrameGrabber g = input.grabber();
      g.start();
      if (task.decodeFrom > 0) {
        g.setTimestamp(Math.round(task.decodeFrom * 1e6));
      }
      analyzer.searchWholeNextFrame();
      int width = task.width > 0 ? task.width : -1;
      int height = task.height > 0 ? task.height : -1;
      double halfFrame = 0.5 / task.frameRate;
      while (true) {
        Frame frame;
        try {
          frame = g.grabImage();
        } catch (FrameGrabber.Exception e) {
          r.error = String.format(Locale.ROOT, "decoding failed after %.3f s: %s",
              Double.isNaN(r.lastSeconds) ? task.decodeFrom : r.lastSeconds, e.getMessage());
          break;
        }
        if (frame == null || frame.image == null) {
          r.endOfFile = true;
          break;
        }
        double t = frame.timestamp / 1e6;
        if (t >= task.end - halfFrame) {
          break;
        }
        r.lastSeconds = t;
        long index = sampling.index(t);
        if (t < task.decodeFrom - halfFrame || !sampling.sampled(index)) {
          continue;
        }
        Mat bgr = converter.convert(frame);
        if (width > 0 && (bgr.cols() != width || bgr.rows() != height)) {
          r.sizeChanges++;
          if (r.firstSizeChange == null) {
            r.firstSizeChange = String.format(Locale.ROOT, "%dx%d -> %dx%d at %.3f s", width, height, bgr.cols(),
                bgr.rows(), t);
          }
          analyzer.restart();
        }
        width = bgr.cols();
        height = bgr.rows();
        boolean preroll = t < task.start - halfFrame;
        List<FrameAnalyzer.Face> faces = analyzer.analyze(new GrabbedFrame(bgr, sampling.sample(index), t, null));
        if (!preroll) {
          r.frames++;
        }
        for (FrameAnalyzer.Face f : faces) {
          r.faces.add(row(index, t, f, preroll));
        }
      }
    } catch (IOException | RuntimeException e) {
      r.error = "cannot decode: " + e.getMessage();
    }
    r.seconds = (System.nanoTime() - t0) / 1e9;
    return r;
  }

  static FaceRow row(long index, double t, FrameAnalyzer.Face f, boolean preroll) {
    FaceRow row = new FaceRow();
    row.frame = index;
    row.seconds = t;
    row.track = f.trackId();
    row.x = f.box().x();
    row.y = f.box().y();
    row.width = f.box().width();
    row.height = f.box().height();
    row.score = f.score();
    row.probabilities = f.probabilities();
    row.smoothed = f.smoothed();
    row.label = f.label();
    row.preroll = preroll;
    return row;
  }
}
