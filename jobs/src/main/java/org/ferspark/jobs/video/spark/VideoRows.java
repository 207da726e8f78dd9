package org.ferspark.jobs.video.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ferspark.jobs.video.FaceRow;
import org.ferspark.jobs.video.RangeResult;

/** The video job's Spark schemas and the rows of its Spark-free results (only Rows and Strings cross tasks). */
final class VideoRows {
  private VideoRows() {
  }

  static final StructType FACE = new StructType(new StructField[] {
      field("frame", DataTypes.LongType),
      field("timestamp", DataTypes.DoubleType),
      field("local_track", DataTypes.IntegerType),
      field("x", DataTypes.IntegerType),
      field("y", DataTypes.IntegerType),
      field("width", DataTypes.IntegerType),
      field("height", DataTypes.IntegerType),
      field("detector_score", DataTypes.FloatType),
      field("probabilities", new ArrayType(DataTypes.FloatType, false)),
      field("smoothed", new ArrayType(DataTypes.FloatType, false)),
      field("label_index", DataTypes.IntegerType),
      field("preroll", DataTypes.BooleanType)});

  /** One row per range: how decoding went and its faces (bounded by the range's length). */
  static final StructType RANGE = new StructType(new StructField[] {
      field("video", DataTypes.StringType),
      field("range", DataTypes.IntegerType),
      field("start", DataTypes.DoubleType),
      field("end", DataTypes.DoubleType),
      field("frames", DataTypes.LongType),
      field("last_seconds", DataTypes.DoubleType),
      field("end_of_file", DataTypes.BooleanType),
      field("error", DataTypes.StringType),
      field("size_changes", DataTypes.IntegerType),
      field("first_size_change", DataTypes.StringType),
      field("seconds", DataTypes.DoubleType),
      field("faces", new ArrayType(FACE, false))});

  static final StructType VIDEO = new StructType(new StructField[] {
      field("video", DataTypes.StringType),
      field("video_id", DataTypes.StringType),
      field("status", DataTypes.StringType),
      field("detail", DataTypes.StringType),
      field("duration_seconds", DataTypes.DoubleType),
      field("frame_rate", DataTypes.DoubleType),
      field("width", DataTypes.IntegerType),
      field("height", DataTypes.IntegerType),
      field("bytes", DataTypes.LongType),
      field("frames", DataTypes.LongType),
      field("faces", DataTypes.LongType),
      field("tracks", DataTypes.LongType),
      field("ranges", DataTypes.IntegerType),
      field("seconds", DataTypes.DoubleType)});

  static Row range(RangeResult r) {
    List<Row> faces = new ArrayList<>(r.faces.size());
    for (FaceRow f : r.faces) {
      faces.add(RowFactory.create(f.frame, f.seconds, f.track, f.x, f.y, f.width, f.height, f.score,
          boxed(f.probabilities), boxed(f.smoothed), f.label, f.preroll));
    }
    return RowFactory.create(r.video, r.range, r.start, r.end, r.frames, r.lastSeconds, r.endOfFile, r.error,
        r.sizeChanges, r.firstSizeChange, r.seconds, faces.toArray(new Row[0]));
  }

  static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
