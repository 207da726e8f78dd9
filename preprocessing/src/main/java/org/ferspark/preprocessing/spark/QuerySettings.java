package org.ferspark.preprocessing.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** SQL settings set on a session for one query and put back as they were (set or unset) when closed. */
final class QuerySettings implements AutoCloseable {
  private final SparkSession spark;
  private final Map<String, String> previous = new HashMap<>();

  private QuerySettings(SparkSession spark) {
    this.spark = spark;
  }

  static QuerySettings apply(SparkSession spark, Map<String, String> settings) {
    QuerySettings applied = new QuerySettings(spark);
    scala.collection.immutable.Map<String, String> set = spark.sessionState().conf().getAllConfs();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      applied.previous.put(e.getKey(), set.contains(e.getKey()) ? set.apply(e.getKey()) : null);
      spark.conf().set(e.getKey(), e.getValue());
    }
    return applied;
  }

  @Override
  public void close() {
    previous.forEach((key, value) -> {
      if (value == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, value);
      }
    });
  }
}
