package org.ferspark.preprocessing.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.unsafe.types.UTF8String;
import org.ferspark.preprocessing.dataset.InputRecord;

/**
 * An id listed twice is rejected after its first listing ({@code duplicate-input}), in memory, for inputs one task
 * holds whole: what {@link SplitAssigner}'s window by id does. The first listing is the one with the smallest source
 * (as Spark orders strings: by UTF-8 bytes), whether or not it is itself rejected; a later listing that is not already
 * rejected for another reason becomes {@code duplicate-input}, naming the first.
 */
final class Duplicates {
  static final String REASON = "duplicate-input";

  private Duplicates() {}

  /** The records, in their order, with repeated ids rejected. */
  static List<InputRecord> reject(List<InputRecord> records) {
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      InputRecord r = records.get(i);
      Integer k = first.putIfAbsent(r.id(), i);
      if (k != null && UTF8String.fromString(r.source()).compareTo(UTF8String.fromString(records.get(k).source())) < 0) {
        first.put(r.id(), i);
      }
    }
    List<InputRecord> out = new ArrayList<>(records);
    for (int i = 0; i < records.size(); i++) {
      InputRecord r = records.get(i);
      int k = first.get(r.id());
      if (k != i && r.rejectReason() == null) {
        out.set(i, new InputRecord(r.id(), r.source(), r.path(), r.inlinePixels(), r.label(), r.split(), r.pool(),
            r.box(), r.fileSize(), REASON, "the same image id was already listed at " + records.get(k).source()));
      }
    }
    return out;
  }
}
