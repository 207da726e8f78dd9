package org.ferspark.realtime.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.detect.Detection;
import org.ferspark.realtime.detect.FaceFinder;
import org.ferspark.realtime.source.GrabbedFrame;
import org.ferspark.realtime.track.EmaSmoother;
import org.ferspark.realtime.track.IouTracker;

/**
 * The per-frame face step shared by the realtime loop ({@link RealtimeLoop}) and the batch video job: detect (whole
 * frame, or around the tracked faces: {@link FaceFinder}) → track ({@link IouTracker}) → crop/normalise every face
 * into one batch ({@link FaceClassifier#preprocess}) → classify the batch → smooth per track ({@link EmaSmoother}).
 * Split in two, {@link #front} and {@link #back}, so the realtime loop can run them on two threads; {@link #analyze}
 * runs both. Holds per-stream state (tracks, smoothing): one analyzer per video stream and thread.
 */
public final class FrameAnalyzer {
  private final FaceFinder finder;
  private final IouTracker tracker;
  private final EmaSmoother smoother;
  private final FaceClassifier classifier;
  private boolean forceFull;

  /** One face of a frame: its track, box, detector score, this frame's probabilities and the smoothed ones. */
  public record Face(int trackId, FaceBox box, float score, float[] probabilities, float[] smoothed, int label) {
  }

  /**
   * A frame after the front stages.
   *
   * @param fullFrame whether the whole frame was searched (else only around tracked faces)
   */
  public record Front(GrabbedFrame frame, List<IouTracker.Track> visible, float[] scores, Set<Integer> live,
      float[] batch, boolean fullFrame, long detectNs, long preprocessNs) {
  }

  public FrameAnalyzer(FaceFinder finder, IouTracker tracker, EmaSmoother smoother, FaceClassifier classifier) {
    this.finder = finder;
    this.tracker = tracker;
    this.smoother = smoother;
    this.classifier = classifier;
  }

  /** The next frame gets a full-frame search whatever its index (a stream that starts mid-video). */
  public void searchWholeNextFrame() {
    forceFull = true;
  }

  /** Forgets every track (ids keep counting up) and searches the next frame whole: e.g. after a frame-size change. */
  public void restart() {
    tracker.clear();
    forceFull = true;
  }

  /** Detect, track and preprocess {@code frame}. */
  public Front front(GrabbedFrame frame) {
    long t1 = System.nanoTime();
    boolean full = forceFull || finder.fullFrame(frame.index());
    forceFull = false;
    List<FaceBox> tracked = tracker.tracks().stream().map(IouTracker.Track::box).toList();
    List<Detection> found = full ? finder.findAll(frame.bgr()) : finder.find(frame.bgr(), frame.index(), tracked);
    List<IouTracker.Track> visible = tracker.update(found.stream().map(Detection::box).toList());
    float[] scores = new float[found.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = found.get(i).score();
    }
    Set<Integer> live = tracker.tracks().stream().map(IouTracker.Track::id).collect(Collectors.toSet());
    long t2 = System.nanoTime();
    float[] batch = classifier.preprocess(frame.bgr(), visible.stream().map(IouTracker.Track::box).toList());
    long t3 = System.nanoTime();
    return new Front(frame, visible, scores, live, batch, full, t2 - t1, t3 - t2);
  }

  /** Classify the faces of {@code f} in one batch and smooth them per track. */
  public List<Face> back(Front f) {
    float[][] probabilities = classifier.classify(f.batch());
    smoother.retain(f.live());
    List<IouTracker.Track> visible = f.visible();
    List<Face> faces = new ArrayList<>(visible.size());
    for (int i = 0; i < visible.size(); i++) {
      IouTracker.Track t = visible.get(i);
      float[] smoothed = smoother.update(t.id(), probabilities[i]);
      faces.add(new Face(t.id(), t.box(), f.scores()[i], probabilities[i], smoothed, argmax(smoothed)));
    }
    return faces;
  }

  /** {@link #front} then {@link #back}. */
  public List<Face> analyze(GrabbedFrame frame) {
    return back(front(frame));
  }

  /** Output class names in output order. */
  public List<String> classNames() {
    return classifier.classNames();
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
