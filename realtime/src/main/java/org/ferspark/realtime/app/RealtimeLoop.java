package org.ferspark.realtime.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.detect.FaceFinder;
import org.ferspark.realtime.overlay.FrameSink;
import org.ferspark.realtime.overlay.LabelledFace;
import org.ferspark.realtime.overlay.Overlay;
import org.ferspark.realtime.source.FrameSource;
import org.ferspark.realtime.source.GrabbedFrame;
import org.ferspark.realtime.track.EmaSmoother;
import org.ferspark.realtime.track.IouTracker;

/**
 * The frame loop: grab → detect (full frame or around tracked faces) → track → crop/normalise all faces (the
 * "front") → classify them in one batch → smooth per track → label ({@code uncertain} when the smoothed top
 * probability is below {@code fer.min-confidence}) → draw → show or write (the "back"). Each stage is
 * timed per frame. Sequential by default (one thread: the one-core design); {@code pipelined} runs the front on
 * a second thread on copies of the frames, so detection of frame n+1 overlaps classification of frame n on two
 * cores. The parts are made and closed by the caller.
 */
final class RealtimeLoop {
  private static final int PIPELINE_FRAMES = 3;
  private final FrameSource source;
  private final FaceFinder finder;
  private final IouTracker tracker;
  private final EmaSmoother smoother;
  private final FaceClassifier classifier;
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

  /** A frame after the front stages. */
  private record Prepared(GrabbedFrame frame, List<IouTracker.Track> visible, Set<Integer> live, float[] batch,
      long grabNs, long detectNs, long preprocessNs) {
  }

  RealtimeLoop(FrameSource source, FaceFinder finder, IouTracker tracker, EmaSmoother smoother,
      FaceClassifier classifier, FrameSink sink, FramesJsonl jsonlOrNull, long maxFrames, double minConfidence) {
    this.minConfidence = minConfidence;
    this.source = source;
    this.finder = finder;
    this.tracker = tracker;
    this.smoother = smoother;
    this.classifier = classifier;
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

  /** Grab, detect, track, preprocess; the frame is copied into {@code copyOrNull} when given. Null at the end. */
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
    if (finder.fullFrame(frame.index())) {
      full++;
    }
    List<FaceBox> tracked = tracker.tracks().stream().map(IouTracker.Track::box).toList();
    List<IouTracker.Track> visible = tracker.update(finder.find(frame.bgr(), frame.index(), tracked));
    Set<Integer> live = tracker.tracks().stream().map(IouTracker.Track::id).collect(Collectors.toSet());
    long t2 = System.nanoTime();
    float[] batch = classifier.preprocess(frame.bgr(), visible.stream().map(IouTracker.Track::box).toList());
    long t3 = System.nanoTime();
    return new Prepared(frame, visible, live, batch, t1 - t0, t2 - t1, t3 - t2);
  }

  /** Classify, smooth, draw, output; false when the sink wants to stop. */
  private boolean back(Prepared p) {
    long t3 = System.nanoTime();
    float[][] probabilities = classifier.classify(p.batch());
    long t4 = System.nanoTime();
    smoother.retain(p.live());
    List<String> names = classifier.classNames();
    List<IouTracker.Track> visible = p.visible();
    List<LabelledFace> labelled = new ArrayList<>(visible.size());
    float[][] smoothed = new float[visible.size()][];
    for (int i = 0; i < visible.size(); i++) {
      smoothed[i] = smoother.update(visible.get(i).id(), probabilities[i]);
      int best = argmax(smoothed[i]);
      labelled.add(new LabelledFace(visible.get(i).id(), visible.get(i).box(),
          MinConfidence.label(smoothed[i], names, minConfidence), smoothed[i][best]));
    }
    double interval = t3 - previousBack;
    frameIntervalEma = frames == 0 ? 0 : frames == 1 ? interval : 0.9 * frameIntervalEma + 0.1 * interval;
    previousBack = t3;
    GrabbedFrame frame = p.frame();
    overlay.draw(frame.bgr(), labelled, frameIntervalEma > 0 ? 1e9 / frameIntervalEma : 0);
    long t5 = System.nanoTime();
    boolean more = sink.accept(frame);
    if (jsonl != null) {
      for (int i = 0; i < labelled.size(); i++) {
        LabelledFace f = labelled.get(i);
        jsonl.write(frame.index(), frame.seconds(), f.id(), f.box(), f.label(), probabilities[i], smoothed[i]);
      }
    }
    long t6 = System.nanoTime();
    latency.add(p.grabNs(), p.detectNs(), p.preprocessNs(), t4 - t3, t5 - t4, t6 - t5);
    frames++;
    faces += visible.size();
    withFaces += visible.isEmpty() ? 0 : 1;
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
        free.put(p.frame().bgr());
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

  static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
