package org.ferspark.preprocessing.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.ferspark.preprocessing.dataset.InputRecord;

/**
 * An input record as listed, with its fingerprint hash ({@link TensorSchema#fingerprint}, of the record before a
 * split was assigned): what the listing hands to processing. Where a plan needs Spark SQL's shuffles it travels as
 * a {@link TensorSchema#INPUT} row instead (Kryo 4, Spark's optional serializer, cannot rebuild records).
 */
record ListedInput(InputRecord record, long fingerprint) implements Serializable {
  InternalRow toRow() {
    return TensorSchema.toInternalRow(record, fingerprint);
  }

  static ListedInput fromRow(InternalRow row) {
    return new ListedInput(TensorSchema.fromInternalRow(row), row.getLong(TensorSchema.FINGERPRINT_INDEX));
  }
}
