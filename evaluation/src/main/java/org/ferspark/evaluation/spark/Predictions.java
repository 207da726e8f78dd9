package org.ferspark.evaluation.spark;

import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ferspark.evaluation.metrics.MetricsAccumulator;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.image.FaceBox;

/**
 * The per-face predictions file {@value #FILE}: one row per face per model, written by the executors as a Parquet
 * folder (Spark's part files), readable by pandas ({@code pd.read_parquet}), DuckDB
 * ({@code read_parquet('predictions.parquet/*.parquet')}) or Spark without project code.
 *
 * <p>Columns: {@code id} (tensor row id, or the photo's path relative to the folder), {@code source} (the tensor's
 * source file or CSV line, or the photo's URI), {@code box} (struct {@code x, y, w, h}: the face in the photo; null
 * for tensors and photos taken whole), {@code true_label}, {@code predicted_label} (the most probable class),
 * {@code label} ({@code predicted_label}, or {@value MinConfidence#UNCERTAIN} when {@code confidence} is below
 * {@code fer.min-confidence}: the label predict and realtime would show), {@code confidence} (probability of the
 * predicted class), {@code p_<class>} (one float per class of the evaluation, in label order; 0 for a class the
 * model lacks, the others renormalised), {@code model} (the model's name in the report). The probabilities are the
 * calibrated ones: the model file's temperature applied, as in every score of the report.
 */
public final class Predictions {
  /** The folder name inside the report. */
  public static final String FILE = "predictions.parquet";
  /** Prefix of the probability columns. */
  public static final String PROBABILITY_PREFIX = "p_";
  static final StructType BOX = createStructType(List.of(
      createStructField("x", IntegerType, false), createStructField("y", IntegerType, false),
      createStructField("w", IntegerType, false), createStructField("h", IntegerType, false)));

  private Predictions() {
  }

  /** The schema for {@code labels}. */
  public static StructType schema(List<String> labels) {
    List<StructField> fields = new ArrayList<>(List.of(
        createStructField("id", StringType, false),
        createStructField("source", StringType, true),
        createStructField("box", BOX, true),
        createStructField("true_label", StringType, false),
        createStructField("predicted_label", StringType, false),
        createStructField("label", StringType, false),
        createStructField("confidence", FloatType, false)));
    for (String label : labels) {
      fields.add(createStructField(PROBABILITY_PREFIX + label, FloatType, false));
    }
    fields.add(createStructField("model", StringType, false));
    return createStructType(fields);
  }

  /**
   * One face's row for one model.
   *
   * @param p the calibrated probabilities in label order
   * @param minConfidence {@code fer.min-confidence}: below it the {@code label} is {@value MinConfidence#UNCERTAIN}
   */
  static Row row(String id, String source, FaceBox box, int trueLabel, float[] p, String model, List<String> labels,
      double minConfidence) {
    int predicted = MetricsAccumulator.argmax(p);
    Object[] values = new Object[8 + labels.size()];
    values[0] = id;
    values[1] = source;
    values[2] = box == null ? null : RowFactory.create(box.x(), box.y(), box.width(), box.height());
    values[3] = labels.get(trueLabel);
    values[4] = labels.get(predicted);
    values[5] = MinConfidence.uncertain(p[predicted], minConfidence) ? MinConfidence.UNCERTAIN : labels.get(predicted);
    values[6] = p[predicted];
    for (int c = 0; c < labels.size(); c++) {
      values[7 + c] = p[c];
    }
    values[7 + labels.size()] = model;
    return RowFactory.create(values);
  }

  /** Writes {@code rows} to {@code target} (a Hadoop path or URI); replaces an existing one only when asked. */
  static void write(SparkSession spark, JavaRDD<Row> rows, List<String> labels, String target, boolean replace) {
    spark.createDataFrame(rows, schema(labels)).write().mode(replace ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
        .option("compression", "zstd").parquet(target);
  }
}
