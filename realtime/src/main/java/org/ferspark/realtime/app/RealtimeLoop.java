package org.ferspark.realtime.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.realtime.overlay.FrameSink;
import org.ferspark.realtime.overlay.LabelledFace;
import org.ferspark.realtime.overlay.Overlay;
import org.ferspark.realtime.source.FrameSource;
import org.ferspark.realtime.source.GrabbedFrame;

/**
 * The frame loop: grab → {@link FrameAnalyzer} (detect, full frame or around tracked faces → track → crop/normalise
 * all faces: the "front"; classify them in one batch → smooth per track: the "back") → label ({@code uncertain} when
 * the smoothed top probability is below {@code fer.min-confidence}) → draw → show or write. Each
 * stage is
 * timed per frame. Sequential by default (one thread: the one-core design); {@code pipelined} runs the front on
 * a second thread on copies of the frames, so detection of frame n+1 overlaps classification of frame n on two
 * cores. The parts are made and closed by the caller.
 */
final class RealtimeLoop {
  private static final int PIPELINE_FRAMES = 3;
  private final FrameSource source;
  private final FrameAnalyzer analyzer;
  private final Overlay overlay = new Overlay();
  private final FrameSink sink;
  private final FramesJsonl jsonl;
  private final long maxFrames;
  private final double minConfidence;
  private final Latency latency = new Latency();
  private long frames;
  private long faces;
  private long withFaces;
  private long full;
  private double frameIntervalEma;
  private long previousBack;

  /** A frame after the front stages, with the time its grab took. */
  private record Prepared(FrameAnalyzer.Front front, long grabNs) {
  }

  RealtimeLoop(FrameSource source, FrameAnalyzer analyzer, FrameSink sink, FramesJsonl jsonlOrNull, long maxFrames,
      double minConfidence) {
    this.minConfidence = minConfidence;
    this.source = source;
    this.analyzer = analyzer;
    this.sink = sink;
    this.jsonl = jsonlOrNull;
    this.maxFrames = maxFrames;
  }

  /** Runs until the input ends, {@code maxFrames} (if > 0) are done, or the window is closed. */
  Result run(boolean pipelined) throws InterruptedException {
    long start = System.nanoTime();
    if (pipelined) {
      runPipelined();
    } else {
      while (maxFrames == 0 || frames < maxFrames) {
        Prepared p = front(null);
        if (p == null || !back(p)) {
          break;
        }
      }
    }
    return new Result(frames, faces, withFaces, full, (System.nanoTime() - start) / 1e9, latency);
  }

  /** Grab, then the analyzer's front (detect, track, preprocess); the frame is copied into {@code copyOrNull}. */
  private Prepared front(Mat copyOrNull) {
    long t0 = System.nanoTime();
    GrabbedFrame frame = source.grab();
    if (frame == null) {
      return null;
    }
    if (copyOrNull != null) {
      frame.bgr().copyTo(copyOrNull);
      frame = new GrabbedFrame(copyOrNull, frame.index(), frame.seconds(), frame.name());
    }
    long t1 = System.nanoTime();
    return new Prepared(analyzer.front(frame), t1 - t0);
  }

  /** The analyzer's back (classify, smooth), then draw and output; false when the sink wants to stop. */
  private boolean back(Prepared p) {
    long t3 = System.nanoTime();
    List<FrameAnalyzer.Face> found = analyzer.back(p.front());
    long t4 = System.nanoTime();
    List<String> names = analyzer.classNames();
    List<LabelledFace> labelled = new ArrayList<>(found.size());
    for (FrameAnalyzer.Face f : found) {
      labelled.add(new LabelledFace(f.trackId(), f.box(), MinConfidence.label(f.smoothed(), names, minConfidence),
          f.smoothed()[f.label()]));
    }
    double interval = t3 - previousBack;
    frameIntervalEma = frames == 0 ? 0 : frames == 1 ? interval : 0.9 * frameIntervalEma + 0.1 * interval;
    previousBack = t3;
    GrabbedFrame frame = p.front().frame();
    overlay.draw(frame.bgr(), labelled, frameIntervalEma > 0 ? 1e9 / frameIntervalEma : 0);
    long t5 = System.nanoTime();
    boolean more = sink.accept(frame);
    if (jsonl != null) {
      for (int i = 0; i < found.size(); i++) {
        FrameAnalyzer.Face f = found.get(i);
        jsonl.write(frame.index(), frame.seconds(), f.trackId(), f.box(), labelled.get(i).label(), f.probabilities(),
            f.smoothed());
      }
    }
    long t6 = System.nanoTime();
    latency.add(p.grabNs(), p.front().detectNs(), p.front().preprocessNs(), t4 - t3, t5 - t4, t6 - t5);
    frames++;
    full += p.front().fullFrame() ? 1 : 0;
    faces += found.size();
    withFaces += found.isEmpty() ? 0 : 1;
    return more;
  }
  /** Front on a worker thread, back on this one; frames travel in a small ring of preallocated Mats. */
  private void runPipelined() throws InterruptedException {
    BlockingQueue<Mat> free = new ArrayBlockingQueue<>(PIPELINE_FRAMES);
    BlockingQueue<Object> ready = new ArrayBlockingQueue<>(PIPELINE_FRAMES);
    Object end = new Object();
    AtomicBoolean stop = new AtomicBoolean();
    List<Mat> ring = new ArrayList<>();
    for (int i = 0; i < PIPELINE_FRAMES; i++) {
      ring.add(new Mat());
    }
    free.addAll(ring);
    Thread worker = new Thread(() -> {
      try {
        long n = 0;
        while (!stop.get() && (maxFrames == 0 || n < maxFrames)) {
          Mat buffer = free.poll(100, TimeUnit.MILLISECONDS);
          if (buffer == null) {
            continue;
          }
          Prepared p = front(buffer);
          if (p == null) {
            break;
          }
          ready.put(p);
          n++;
        }
        ready.put(end);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | Error e) {
        ready.offer(e);
      }
    }, "fer-realtime-front");
    worker.setDaemon(true);
    worker.start();
    try {
      while (true) {
        Object item = ready.take();
        if (item == end) {
          break;
        }
        if (item instanceof RuntimeException e) {
          throw e;
        }
        if (item instanceof Error e) {
          throw e;
        }
        Prepared p = (Prepared) item;
        boolean more = back(p);
        free.put(p.front().frame().bgr());
        if (!more) {
          break;
        }
      }
    } finally {
      stop.set(true);
      worker.interrupt();
      worker.join(5_000);
      ring.forEach(Mat::close);
    }
  }

  record Result(long frames, long faces, long framesWithFaces, long fullDetections, double seconds,
      Latency latency) {
  }
}
