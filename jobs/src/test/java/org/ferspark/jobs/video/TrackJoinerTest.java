package org.ferspark.jobs.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.Test;

class TrackJoinerTest {
  @Test
  void aTrackContinuesTheOneItOverlapsOnTheSharedFramesAndOthersGetNewIds() {
    FaceBox left = new FaceBox(10, 10, 100, 100);
    FaceBox right = new FaceBox(300, 10, 100, 100);
    List<TrackJoiner.Seen> shared = List.of(
        // range 0's last frames: track 1 on the left, 2 on the right
        new TrackJoiner.Seen(0, 50, 1, left, false), new TrackJoiner.Seen(0, 50, 2, right, false),
        new TrackJoiner.Seen(0, 51, 1, left, false), new TrackJoiner.Seen(0, 51, 2, right, false),
        // range 1's pre-roll of the same frames: its track 1 is on the right, 2 on the left (slightly moved)
        new TrackJoiner.Seen(1, 50, 1, right, true), new TrackJoiner.Seen(1, 50, 2, new FaceBox(12, 10, 100, 100),
            true),
        new TrackJoiner.Seen(1, 51, 1, right, true), new TrackJoiner.Seen(1, 51, 2, left, true));
    Map<Long, Integer> ids = new TrackJoiner(0.5).join(Map.of(0, List.of(1, 2), 1, List.of(2, 1, 3)), shared);
    assertThat(ids.get(TrackJoiner.key(0, 1))).isEqualTo(1);
    assertThat(ids.get(TrackJoiner.key(0, 2))).isEqualTo(2);
    assertThat(ids.get(TrackJoiner.key(1, 2))).as("left continues left").isEqualTo(1);
    assertThat(ids.get(TrackJoiner.key(1, 1))).as("right continues right").isEqualTo(2);
    assertThat(ids.get(TrackJoiner.key(1, 3))).as("a face first seen after the boundary").isEqualTo(3);
  }

  @Test
  void twoTracksNeverContinueTheSameOne() {
    FaceBox box = new FaceBox(0, 0, 100, 100);
    List<TrackJoiner.Seen> shared = List.of(new TrackJoiner.Seen(0, 9, 1, box, false),
        new TrackJoiner.Seen(1, 9, 1, box, true), new TrackJoiner.Seen(1, 9, 2, new FaceBox(5, 0, 100, 100), true));
    Map<Long, Integer> ids = new TrackJoiner(0.5).join(Map.of(0, List.of(1), 1, List.of(1, 2)), shared);
    assertThat(ids.get(TrackJoiner.key(1, 1))).isEqualTo(1);
    assertThat(ids.get(TrackJoiner.key(1, 2))).isEqualTo(2);
  }
}
