package org.ferspark.preprocessing.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.ferspark.preprocessing.dataset.Splits;

/**
 * Gives every accepted input exactly one split, and leaves the rows hash-partitioned by id for processing. A
 * dataset's own split is kept; other inputs are split per pool and class by rank of {@code xxhash64(id, seed)}:
 * exact stratified ratios, the same on every run and retry. An id listed twice is rejected the second time
 * ({@code duplicate-input}), so no image lands in two splits.
 *
 * <p>Only the shuffles a plan needs are planned: the rank by class when some input may need a split (label folders
 * are ranked by the listing instead, {@link ClassRanks}), the duplicate check when ids can repeat (its shuffle by id
 * then also partitions the rows for processing), otherwise one repartition by id, unless the listing already has
 * enough partitions to keep every core busy (label folders on a few cores). The rank counts every row of a pool and class, rejected or not, and orders by hash, id and
 * source (the last only separates an id listed twice), so it does not depend on the duplicate check.
 */
final class SplitAssigner {
  private SplitAssigner() {}

  /**
   * What a plan needs: whether some input may need a split, whether an id may be listed twice, and whether the
   * listing's partitions are too few to process as they are (then the rows are repartitioned by id).
   */
  record Needs(boolean ranks, boolean duplicateIds, boolean repartition) {}

  /**
   * @param poolRatios for each pool, the split ratios in {@link Splits#ALL} order (summing to 1)
   * @param partitions the number of processing partitions, or 0 to let Spark size them
   */
  static Dataset<Row> assign(Dataset<Row> inputs, long seed, Map<String, Map<String, Double>> poolRatios,
      Needs needs, int partitions) {
    Dataset<Row> rows = inputs;
    if (needs.ranks()) {
      WindowSpec byClass = Window.partitionBy("pool", "label").orderBy("_h", "id", "source");
      WindowSpec classSize = Window.partitionBy("pool", "label");
      rows = rows
          .withColumn("_h", xxhash64(col("id"), lit(seed)))
          .withColumn("_p", row_number().over(byClass).minus(1).divide(count(lit(1)).over(classSize)))
          .drop("_h");
    }
    if (needs.duplicateIds()) {
      WindowSpec byId = Window.partitionBy("id").orderBy("source");
      rows = rows
          .withColumn("_dup", row_number().over(byId))
          .withColumn("_first", first("source").over(byId))
          .withColumn("reject_detail", when(col("_dup").gt(1).and(col("reject_reason").isNull()),
              concat(lit("the same image id was already listed at "), col("_first"))).otherwise(col("reject_detail")))
          .withColumn("reject_reason", when(col("_dup").gt(1).and(col("reject_reason").isNull()),
              lit("duplicate-input")).otherwise(col("reject_reason")))
          .drop("_dup", "_first");
    }
    if (needs.ranks()) {
      Column needsSplit = col("split").isNull().and(col("reject_reason").isNull());
      Column assigned = lit(null).cast("string");
      for (Map.Entry<String, Map<String, Double>> pool : poolRatios.entrySet()) {
        assigned = when(col("pool").equalTo(pool.getKey()), byRank(col("_p"), pool.getValue())).otherwise(assigned);
      }
      rows = rows.withColumn("split", when(needsSplit, assigned).otherwise(col("split"))).drop("_p");
    }
    rows = rows.select(Arrays.stream(TensorSchema.INPUT.fieldNames()).map(name -> col(name)).toArray(Column[]::new));
    if (partitions > 0) {
      return rows.repartition(partitions, col("id"));
    }
    return needs.duplicateIds() || !needs.repartition() ? rows : rows.repartition(col("id"));
  }

  private static Column byRank(Column p, Map<String, Double> ratios) {
    double cumulative = 0;
    Column split = null;
    List<String> order = Splits.ALL.stream().filter(s -> ratios.getOrDefault(s, 0.0) > 0).toList();
    for (int i = 0; i < order.size(); i++) {
      String name = order.get(i);
      cumulative += ratios.get(name);
      Column cond = i == order.size() - 1 ? lit(true) : p.lt(cumulative);
      split = split == null ? when(cond, lit(name)) : split.when(cond, lit(name));
    }
    return coalesce(split, lit(Splits.TRAIN));
  }
}
