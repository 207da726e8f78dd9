package org.ferspark.realtime.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.track.IouTracker.Track;
import org.junit.jupiter.api.Test;

class IouTrackerTest {

  @Test
  void keepsTheIdThroughSmallMotion() {
    IouTracker tracker = new IouTracker(0.3, 2);
    int id = tracker.update(List.of(new FaceBox(100, 100, 80, 80))).get(0).id();
    for (int t = 1; t <= 20; t++) {
      List<Track> tracks = tracker.update(List.of(new FaceBox(100 + 3 * t, 100 - t, 80 + t % 3, 80)));
      assertThat(tracks).as("frame %d", t).singleElement().extracting(Track::id).isEqualTo(id);
    }
  }

  @Test
  void givesANewFaceANewIdAndKeepsTheOldOnes() {
    IouTracker tracker = new IouTracker(0.3, 2);
    FaceBox a = new FaceBox(10, 10, 60, 60);
    FaceBox b = new FaceBox(300, 200, 70, 70);
    int idA = tracker.update(List.of(a)).get(0).id();
    List<Track> second = tracker.update(List.of(new FaceBox(300, 202, 70, 70), new FaceBox(12, 10, 60, 60)));
    assertThat(second.get(1).id()).as("moved face keeps its id").isEqualTo(idA);
    assertThat(second.get(0).id()).as("new face gets a new id").isNotEqualTo(idA);
    assertThat(tracker.update(List.of(b, a))).extracting(Track::id).containsExactly(second.get(0).id(), idA);
  }

  @Test
  void dropsATrackAfterMaxMissedFramesAndNeverReusesItsId() {
    IouTracker tracker = new IouTracker(0.3, 2);
    FaceBox box = new FaceBox(50, 50, 100, 100);
    int id = tracker.update(List.of(box)).get(0).id();
    tracker.update(List.of());
    tracker.update(List.of());
    assertThat(tracker.tracks()).as("missed twice: still tracked").extracting(Track::id).containsExactly(id);
    assertThat(tracker.update(List.of(box)).get(0).id()).as("back after 2 misses: same id").isEqualTo(id);

    tracker.update(List.of());
    tracker.update(List.of());
    tracker.update(List.of());
    assertThat(tracker.tracks()).as("missed 3 times > maxMissed 2: dropped").isEmpty();
    assertThat(tracker.update(List.of(box)).get(0).id()).as("a dropped id is not reused").isGreaterThan(id);
  }

  @Test
  void matchesGreedilyByBestOverlapWhenFacesAreClose() {
    IouTracker tracker = new IouTracker(0.1, 1);
    List<Track> first = tracker.update(List.of(new FaceBox(0, 0, 100, 100), new FaceBox(60, 0, 100, 100)));
    List<Track> next = tracker.update(List.of(new FaceBox(58, 0, 100, 100), new FaceBox(2, 0, 100, 100)));
    assertThat(next.get(0).id()).isEqualTo(first.get(1).id());
    assertThat(next.get(1).id()).isEqualTo(first.get(0).id());
  }

  @Test
  void computesIntersectionOverUnion() {
    assertThat(IouTracker.iou(new FaceBox(0, 0, 10, 10), new FaceBox(0, 0, 10, 10))).isEqualTo(1.0);
    assertThat(IouTracker.iou(new FaceBox(0, 0, 10, 10), new FaceBox(5, 0, 10, 10))).isEqualTo(50.0 / 150.0);
    assertThat(IouTracker.iou(new FaceBox(0, 0, 10, 10), new FaceBox(20, 20, 10, 10))).isZero();
    assertThat(IouTracker.iou(new FaceBox(0, 0, 0, 10), new FaceBox(0, 0, 0, 10))).isZero();
  }

  @Test
  void dedupeKeepsTheFirstOfOverlappingBoxes() {
    List<FaceBox> kept = IouTracker.dedupe(List.of(new FaceBox(0, 0, 50, 50), new FaceBox(2, 2, 50, 50),
        new FaceBox(200, 0, 50, 50)), 0.3);
    assertThat(kept).containsExactly(new FaceBox(0, 0, 50, 50), new FaceBox(200, 0, 50, 50));
  }
}
