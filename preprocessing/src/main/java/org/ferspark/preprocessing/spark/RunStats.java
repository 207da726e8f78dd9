package org.ferspark.preprocessing.spark;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * The counts of a run, gathered on the driver from the one pass that writes the tensors: each processing partition
 * adds its {@link PartitionStats} once, after it has written and closed its files.
 *
 * <p>Why the counts are exact although Spark may run a task more than once (a retry after a failure, a speculative
 * copy, a stage recomputed after a lost executor): the value is keyed by partition and a partition's stats
 * <em>replace</em> any earlier ones instead of being added to them. Spark merges the user accumulators of successful
 * task attempts only, and every successful attempt of a partition reads the same input rows (a listing, or a
 * shuffle output, both deterministic) and so reports the same stats; a partition can therefore never be counted
 * twice. The files a partition's stats name are the ones its counted attempt wrote, and those are the files the
 * driver keeps ({@link TensorOutput#commit}, {@link RejectsOutput#commit}): what is counted is what is written.
 * The alternative, counting the written output in a second job, would read every tensor back.
 */
final class RunStats extends AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> {
  private static final long serialVersionUID = 1L;
  private final TreeMap<Integer, PartitionStats> byPartition = new TreeMap<>();

  @Override
  public boolean isZero() {
    return byPartition.isEmpty();
  }

  @Override
  public RunStats copy() {
    RunStats copy = new RunStats();
    synchronized (this) {
      copy.byPartition.putAll(byPartition);
    }
    return copy;
  }

  @Override
  public synchronized void reset() {
    byPartition.clear();
  }

  @Override
  public synchronized void add(PartitionStats stats) {
    byPartition.put(stats.partition, stats);
  }

  @Override
  public void merge(AccumulatorV2<PartitionStats, Map<Integer, PartitionStats>> other) {
    Map<Integer, PartitionStats> theirs = other.value();
    synchronized (this) {
      byPartition.putAll(theirs);
    }
  }

  @Override
  public synchronized Map<Integer, PartitionStats> value() {
    return Collections.unmodifiableMap(new TreeMap<>(byPartition));
  }
}
