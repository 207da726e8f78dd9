package org.ferspark.jobs.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SamplingTest {
  @Test
  void picksOneFramePerSampleWhereverDecodingStarts() {
    Sampling s = new Sampling(30, 5);
    List<Long> picked = LongStream.range(0, 31).filter(s::sampled).boxed().toList();
    assertThat(picked).containsExactly(0L, 6L, 12L, 18L, 24L, 30L);
    assertThat(s.sample(24)).isEqualTo(4);
    assertThat(new Sampling(29.97, 10).effectiveFps()).isEqualTo(10);
    Sampling all = new Sampling(25, 0);
    assertThat(LongStream.range(0, 10).allMatch(all::sampled)).isTrue();
    assertThat(all.sample(7)).isEqualTo(7);
    assertThat(new Sampling(25, 50).all()).isTrue();
  }

  @Test
  void rangesCoverTheVideoAndEachButTheFirstStartsDecodingAPrerollEarlier() {
    List<RangeTask> r = RangeTask.plan("v.mp4", 125, 30, 5, 60, 10);
    assertThat(r).hasSize(3);
    assertThat(r).extracting(t -> t.start).containsExactly(0.0, 60.0, 120.0);
    assertThat(r.get(0).decodeFrom).isZero();
    assertThat(r.get(1).decodeFrom).isEqualTo(58.0);
    assertThat(r.get(2).end).isEqualTo(Double.MAX_VALUE);
    assertThat(RangeTask.plan("v.mp4", 0, 30, 5, 60, 10)).as("unknown length: one range").hasSize(1);
  }
}
