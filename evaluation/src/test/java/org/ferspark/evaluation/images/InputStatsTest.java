package org.ferspark.evaluation.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.ferspark.evaluation.metrics.FailureReservoir;
import org.ferspark.evaluation.metrics.Failure;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.Test;

/** Partial counts merge to the counts of one pass, whatever the split; kept examples do not depend on it. */
class InputStatsTest {
  static final FaceStatus[] STATUS = FaceStatus.values();

  static void feed(InputStats s, int from, int to) {
    for (int i = from; i < to; i++) {
      FaceStatus status = STATUS[i % STATUS.length];
      if (status == FaceStatus.OK) {
        s.count(new FaceLocator.Located(status, null, null, new byte[4], new FaceBox(0, 0, 40 + i, 50 + i), 40 + i,
            i % 3, i % 3 == 2), "id" + i, "src" + i);
      } else {
        s.count(new FaceLocator.Located(status, status == FaceStatus.UNREADABLE ? "reason-" + (i / 6 % 2) : null,
            "why " + i, null, null, -1, status == FaceStatus.NO_FACE ? 0 : -1, false), "id" + i, "src" + i);
      }
    }
  }

  @Test
  void mergedPartsEqualOnePass() {
    InputStats one = new InputStats(3);
    feed(one, 0, 100);
    InputStats a = new InputStats(3);
    InputStats b = new InputStats(3);
    InputStats c = new InputStats(3);
    feed(b, 0, 37);
    feed(a, 37, 71);
    feed(c, 71, 100);
    InputSummary merged = a.merge(c).merge(b).summary(Map.of("k", 1));
    InputSummary single = one.summary(Map.of("k", 1));

    assertThat(merged).isEqualTo(single);
    assertThat(single.total()).isEqualTo(100);
    assertThat(single.byStatus().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100);
    assertThat(single.byStatus()).containsEntry("ok", 17L).containsEntry("unknown-label", 16L);
    assertThat(single.unreadableByReason()).containsOnlyKeys("reason-0", "reason-1");
    assertThat(single.examples().get("no-face")).hasSize(3);
    assertThat(single.examples()).doesNotContainKey("ok");
    assertThat(single.detector().searched()).as("ok faces with a detector run + no-face").isEqualTo(17 + 17);
    assertThat(single.detector().sideMin()).isEqualTo(40);
    assertThat(single.detector().sides().stream().mapToLong(InputSummary.SideBin::count).sum()).isEqualTo(17);
  }

  @Test
  void failureGalleryKeepsTheMostConfidentMistakesPerClass() {
    FailureReservoir a = new FailureReservoir(3, 2, 2);
    FailureReservoir b = new FailureReservoir(3, 2, 2);
    a.offer("x1", "s1", null, new byte[4], 0, 1, 0.9);
    a.offer("x2", "s2", null, new byte[4], 0, 0, 0.99);
    b.offer("x3", "s3", new FaceBox(1, 2, 3, 4), new byte[4], 0, 2, 0.95);
    b.offer("x4", "s4", null, new byte[4], 0, 2, 0.5);
    a.offer("x5", "s5", null, new byte[4], 2, 1, 0.6);
    List<Failure> kept = a.merge(b).failures();
    assertThat(kept).extracting(Failure::id).containsExactly("x3", "x1", "x5");
    assertThat(kept.get(0).box()).isEqualTo(new FaceBox(1, 2, 3, 4));
    assertThat(kept.get(1).box()).isNull();
  }
}
