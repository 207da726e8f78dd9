package org.ferspark.preprocessing.spark;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
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

  /**
   * The columns of a tensor file as the job writes them ({@link #TENSOR} without the {@code split} partition column).
   * {@code label_name} and {@code pixels} are nullable, as the job has always written them (the same Parquet footers).
   */
  static final StructType TENSOR_FILE = createStructType(List.of(
      createStructField("id", StringType, false),
      createStructField("source", StringType, false),
      createStructField("label", IntegerType, false),
      createStructField("label_name", StringType, true),
      createStructField("pixels", BinaryType, true),
      createStructField("height", IntegerType, false),
      createStructField("width", IntegerType, false),
      createStructField("copy", IntegerType, false),
      createStructField("augmentation", StringType, true)));

  /** Rejects list: one row per rejected input. */
  public static final StructType REJECT = createStructType(List.of(
      createStructField("source", StringType, false),
      createStructField("id", StringType, false),
      createStructField("reason", StringType, false),
      createStructField("detail", StringType, true)));

  /** The column of an input row holding its fingerprint hash, after the input record's columns. */
  static final String FINGERPRINT = "fp";
  static final int FINGERPRINT_INDEX = 14;

  /** An input record between Spark stages, with its fingerprint hash last ({@link #fingerprint}). */
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
      createStructField("reject_detail", StringType, true),
      createStructField(FINGERPRINT, LongType, false)));

  private TensorSchema() {}

  /** Spark's internal row of an input record (what the pipeline's stages pass on, without row encoders). */
  static InternalRow toInternalRow(InputRecord r) {
    return toInternalRow(r, null);
  }

  /**
   * As {@link #toInternalRow(InputRecord)}, with the fingerprint of the record as it was listed (before its split was
   * set), or null to take the record's own.
   */
  static InternalRow toInternalRow(InputRecord r, Long listedFingerprint) {
    FaceBox b = r.box();
    UTF8String id = utf8(r.id());
    UTF8String source = utf8(r.source());
    UTF8String split = utf8(r.split());
    UTF8String inline = utf8(r.inlinePixels());
    long fingerprint = listedFingerprint != null ? listedFingerprint
        : fingerprint(id, source, r.label(), split, b, r.fileSize(), inline);
    UTF8String path = r.path() == r.source() ? source : utf8(r.path());
    return new GenericInternalRow(new Object[] {id, source, path, inline, r.label(), split, utf8(r.pool()),
        b == null ? null : b.x(), b == null ? null : b.y(), b == null ? null : b.width(),
        b == null ? null : b.height(), r.fileSize(), utf8(r.rejectReason()), utf8(r.rejectDetail()), fingerprint});
  }

  /** The input record of an external row of {@link #INPUT} (its first 14 columns). */
  static InputRecord fromRow(Row row) {
    FaceBox box = row.isNullAt(7) ? null
        : new FaceBox(row.getInt(7), row.getInt(8), row.getInt(9), row.getInt(10));
    return new InputRecord(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getInt(4),
        row.getString(5), row.getString(6), box, row.getLong(11), row.getString(12), row.getString(13));
  }

  static InputRecord fromInternalRow(InternalRow row) {
    FaceBox box = row.isNullAt(7) ? null
        : new FaceBox(row.getInt(7), row.getInt(8), row.getInt(9), row.getInt(10));
    return new InputRecord(string(row, 0), string(row, 1), string(row, 2), string(row, 3), row.getInt(4),
        string(row, 5), string(row, 6), box, row.getLong(11), string(row, 12), string(row, 13));
  }

  /**
   * The record's hash for the manifest's {@code inputFingerprint} (the XOR over all inputs): Spark's
   * {@code xxhash64(id, source, label, split, box_x, box_y, box_w, box_h, file_size, inline_pixels)} (seed 42,
   * null columns skipped), computed here so the listing needs no SQL projection; {@code OutputFingerprintTest}
   * checks it against Spark's function.
   */
  static long fingerprint(InputRecord r) {
    return fingerprint(utf8(r.id()), utf8(r.source()), r.label(), utf8(r.split()), r.box(), r.fileSize(),
        utf8(r.inlinePixels()));
  }

  private static long fingerprint(UTF8String id, UTF8String source, int label, UTF8String split, FaceBox b,
      long fileSize, UTF8String inlinePixels) {
    long h = 42L;
    h = hash(id, h);
    h = hash(source, h);
    h = XXH64.hashInt(label, h);
    h = hash(split, h);
    if (b != null) {
      h = XXH64.hashInt(b.x(), h);
      h = XXH64.hashInt(b.y(), h);
      h = XXH64.hashInt(b.width(), h);
      h = XXH64.hashInt(b.height(), h);
    }
    h = XXH64.hashLong(fileSize, h);
    return hash(inlinePixels, h);
  }

  /** Spark's {@code xxhash64} step for a string column (its UTF-8 bytes); a null leaves the hash as it is. */
  static long hash(String s, long seed) {
    return hash(utf8(s), seed);
  }

  private static long hash(UTF8String s, long seed) {
    return s == null ? seed : XXH64.hashUnsafeBytes(s.getBaseObject(), s.getBaseOffset(), s.numBytes(), seed);
  }

  static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  private static String string(InternalRow row, int i) {
    return row.isNullAt(i) ? null : row.getUTF8String(i).toString();
  }
}
