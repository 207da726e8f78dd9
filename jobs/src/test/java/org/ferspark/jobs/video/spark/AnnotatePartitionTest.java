package org.ferspark.jobs.video.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The per-video split of an annotation task's sorted rows. A video without faces (only its marker row) that follows
 * another video in the same partition was skipped before: the consumer's extra {@code hasNext} after the end read
 * past the next video's marker (VideoPipelineTest failed when the hash put two videos into one partition).
 */
class AnnotatePartitionTest {
  private static Row marker(String video, double rate) {
    return RowFactory.create(video, -1L, 0, 0, 0, 0, 0, -1, 0f, rate);
  }

  private static Row face(String video, long frame) {
    return RowFactory.create(video, frame, 1, 10, 10, 40, 40, 3, 0.9f, 0.0);
  }

  @Test
  void everyVideoOfAPartitionIsSeenOnceWithItsRateAndFacesWhateverTheConsumerReads() throws Exception {
    List<Row> rows = List.of(marker("a", 25), face("a", 0), face("a", 5), face("a", 9),
        marker("b", 30),
        face("c", 2), face("c", 4),
        marker("d", 12.5), face("d", 7),
        marker("e", 24));
    List<String> seen = new ArrayList<>();
    AnnotatePartition.forEachVideo(rows.iterator(), (video, rate, faces) -> {
      List<Long> frames = new ArrayList<>();
      switch (video) {
        case "a" -> frames.add(faces.next().getLong(1)); // reads one face of three, leaves the rest
        case "b" -> {
          assertThat(faces.hasNext()).isFalse();
          assertThat(faces.hasNext()).as("asked again after the end").isFalse();
        }
        default -> {
          while (faces.hasNext()) {
            frames.add(faces.next().getLong(1));
          }
          assertThat(faces.hasNext()).as("asked again after the end").isFalse();
        }
      }
      seen.add(video + "@" + rate + frames);
    });
    assertThat(seen).containsExactly("a@25.0[0]", "b@30.0[]", "c@" + VideoPipeline.FALLBACK_RATE + "[2, 4]",
        "d@12.5[7]", "e@24.0[]");
  }

  @Test
  void anEmptyPartitionCallsNothing() throws Exception {
    Iterator<Row> none = List.<Row>of().iterator();
    List<String> seen = new ArrayList<>();
    AnnotatePartition.forEachVideo(none, (video, rate, faces) -> seen.add(video));
    assertThat(seen).isEmpty();
  }
}
