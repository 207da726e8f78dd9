package org.ferspark.realtime.app;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
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
 * The frame loop, one thread: grab → detect (full frame or around tracked faces) → track → crop/normalise all
 * faces → classify them in one batch → smooth per track → draw → show or write. Each stage is timed per frame.
 * The parts are made and closed by the caller.
 */
final class RealtimeLoop {
  private final FrameSource source;
  private final FaceFinder finder;
  private final IouTracker tracker;
  private final EmaSmoother smoother;
  private final FaceClassifier classifier;
  private final Overlay overlay = new Overlay();
  private final FrameSink sink;
  private final FramesJsonl jsonl;
  private final long maxFrames;
  private final Latency latency = new Latency();

  RealtimeLoop(FrameSource source, FaceFinder finder, IouTracker tracker, EmaSmoother smoother,
      FaceClassifier classifier, FrameSink sink, FramesJsonl jsonlOrNull, long maxFrames) {
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
  Result run() {
    long frames = 0;
    long faces = 0;
    long withFaces = 0;
    long full = 0;
    double frameIntervalEma = 0;
    long start = System.nanoTime();
    long previous = start;
    List<String> names = classifier.classNames();
    while (maxFrames == 0 || frames < maxFrames) {
      long t0 = System.nanoTime();
      GrabbedFrame frame = source.grab();
      long t1 = System.nanoTime();
      if (frame == null) {
        break;
      }
      if (finder.fullFrame(frame.index())) {
        full++;
      }
      List<FaceBox> tracked = tracker.tracks().stream().map(IouTracker.Track::box).toList();
      List<IouTracker.Track> visible = tracker.update(finder.find(frame.bgr(), frame.index(), tracked));
      smoother.retain(tracker.tracks().stream().map(IouTracker.Track::id).collect(Collectors.toSet()));
      List<FaceBox> boxes = visible.stream().map(IouTracker.Track::box).toList();
      long t2 = System.nanoTime();
      float[] batch = classifier.preprocess(frame.bgr(), boxes);
      long t3 = System.nanoTime();
      float[][] probabilities = classifier.classify(batch);
      long t4 = System.nanoTime();
      List<LabelledFace> labelled = new ArrayList<>(visible.size());
      float[][] smoothed = new float[visible.size()][];
      for (int i = 0; i < visible.size(); i++) {
        smoothed[i] = smoother.update(visible.get(i).id(), probabilities[i]);
        int best = argmax(smoothed[i]);
        labelled.add(new LabelledFace(visible.get(i).id(), boxes.get(i), names.get(best), smoothed[i][best]));
      }
      double interval = t0 - previous;
      frameIntervalEma = frames == 0 ? 0 : frames == 1 ? interval : 0.9 * frameIntervalEma + 0.1 * interval;
      previous = t0;
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
      latency.add(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5);
      frames++;
      faces += visible.size();
      withFaces += visible.isEmpty() ? 0 : 1;
      if (!more) {
        break;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(frames, faces, withFaces, full, seconds, latency);
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
