package org.ferspark.preprocessing.spark;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * The Parquet layout of the preprocessed dataset (schema version {@value #SCHEMA_VERSION}), and the row form of
 * input records between Spark stages.
 *
 * <p>Tensor rows, partitioned by {@code split}: {@code id, source, label, label_name, pixels, height, width, copy,
 * augmentation}. {@code pixels} is {@code height × width} uint8 grayscale, row-major, no header; read it as
 * {@code x / 255}.
 */
public final class TensorSchema {
  public static final int SCHEMA_VERSION = 1;
  public static final String TENSORS_DIR = "tensors";
  public static final String REJECTS_DIR = "rejects";
  public static final String MANIFEST = "manifest.json";

  /** Columns of a tensor row as written (the {@code split} partition column comes from the folder name). */
  public static final StructType TENSOR = createStructType(List.of(
      createStructField("id", StringType, false),
      createStructField("source", StringType, false),
      createStructField("label", IntegerType, false),
      createStructField("label_name", StringType, false),
      createStructField("pixels", BinaryType, false),
      createStructField("height", IntegerType, false),
      createStructField("width", IntegerType, false),
      createStructField("copy", IntegerType, false),
      createStructField("augmentation", StringType, true),
      createStructField("split", StringType, false)));

  /** Processing result: a tensor row plus the reject columns ({@code reason} non-null for rejections). */
  static final StructType RESULT = createStructType(List.of(
      createStructField("id", StringType, false),
      createStructField("source", StringType, false),
      createStructField("label", IntegerType, false),
      createStructField("label_name", StringType, true),
      createStructField("pixels", BinaryType, true),
      createStructField("height", IntegerType, false),
      createStructField("width", IntegerType, false),
      createStructField("copy", IntegerType, false),
      createStructField("augmentation", StringType, true),
      createStructField("split", StringType, true),
      createStructField("reason", StringType, true),
      createStructField("detail", StringType, true)));

  /** Rejects list: one row per rejected input. */
  public static final StructType REJECT = createStructType(List.of(
      createStructField("source", StringType, false),
      createStructField("id", StringType, false),
      createStructField("reason", StringType, false),
      createStructField("detail", StringType, true)));

  static final StructType INPUT = createStructType(List.of(
      createStructField("id", StringType, false),
      createStructField("source", StringType, false),
      createStructField("path", StringType, true),
      createStructField("inline_pixels", StringType, true),
      createStructField("label", IntegerType, false),
      createStructField("split", StringType, true),
      createStructField("pool", StringType, true),
      createStructField("box_x", IntegerType, true),
      createStructField("box_y", IntegerType, true),
      createStructField("box_w", IntegerType, true),
      createStructField("box_h", IntegerType, true),
      createStructField("file_size", LongType, false),
      createStructField("reject_reason", StringType, true),
      createStructField("reject_detail", StringType, true)));

  private TensorSchema() {}

  static Row toRow(InputRecord r) {
    FaceBox b = r.box();
    return RowFactory.create(r.id(), r.source(), r.path(), r.inlinePixels(), r.label(), r.split(), r.pool(),
        b == null ? null : b.x(), b == null ? null : b.y(), b == null ? null : b.width(),
        b == null ? null : b.height(), r.fileSize(), r.rejectReason(), r.rejectDetail());
  }

  static InputRecord fromRow(Row row) {
    FaceBox box = row.isNullAt(7) ? null
        : new FaceBox(row.getInt(7), row.getInt(8), row.getInt(9), row.getInt(10));
    return new InputRecord(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getInt(4),
        row.getString(5), row.getString(6), box, row.getLong(11), row.getString(12), row.getString(13));
  }
}
