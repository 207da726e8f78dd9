package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.ferspark.preprocessing.dataset.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The run's counts stay exact when Spark reports a partition twice (a speculative or recomputed attempt): a
 * partition's stats replace its earlier ones instead of adding to them; and the cross-split duplicate count counts an
 * image once however many times it appears.
 */
class RunStatsTest {
  @Test
  void aPartitionReportedTwiceCountsOnce() {
    RunStats driver = new RunStats();
    for (int attempt = 0; attempt < 2; attempt++) {
      RunStats task = (RunStats) driver.copyAndReset();
      task.add(stats(0, "train", 3, new byte[] {1}));
      driver.merge(task);
    }
    RunStats other = (RunStats) driver.copyAndReset();
    other.add(stats(1, "test", 2, new byte[] {2}));
    driver.merge(other);
    Map<Integer, PartitionStats> value = driver.value();
    assertThat(value).as("partitions").containsOnlyKeys(0, 1);
    assertThat(value.values().stream().mapToLong(p -> p.inputs).sum()).as("inputs").isEqualTo(5);
    assertThat(value.get(0).tensors.get("train/happy")).as("tensors of partition 0").containsExactly(3, 0);
  }

  @Test
  void countsImagesThatAreOriginalsInMoreThanOneSplit() {
    byte[] shared = {9, 9, 9};
    PartitionStats a = stats(0, "train", 2, shared, new byte[] {1});
    PartitionStats b = stats(1, "test", 2, shared, shared);
    PartitionStats c = stats(2, "validation", 1, shared);
    PartitionStats d = stats(3, "train", 1, new byte[] {2});
    PartitionStats e = stats(4, "test", 1, new byte[] {2});
    assertThat(CrossSplitDuplicates.count(java.util.List.of(a, b, c, d, e))).as("distinct images in >1 split")
        .isEqualTo(2);
    assertThat(CrossSplitDuplicates.count(java.util.List.of(a, stats(5, "train", 1, shared))))
        .as("the same image twice within one split").isZero();
  }

  private static PartitionStats stats(int partition, String split, int n, byte[]... pixels) {
    PartitionStats s = new PartitionStats(partition);
    for (int i = 0; i < n; i++) {
      s.input(i);
      s.tensor(Outcome.tensor("id" + i, "src", split, 3, pixels[i % pixels.length], 0, null), "happy");
    }
    return s;
  }
}
