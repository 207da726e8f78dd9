package org.ferspark.evaluation.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.ferspark.preprocessing.image.FaceBox;
import org.junit.jupiter.api.Test;

/** The columns of one predictions.parquet row, without Spark. */
class PredictionsTest {
  static final List<String> THREE = List.of("angry", "happy", "sad");

  @Test
  void aRowHoldsTheArgMaxAndTheLabelAfterMinConfidence() {
    float[] p = {0.2f, 0.5f, 0.3f};
    Row kept = Predictions.row("happy/a.jpg", "file:/photos/happy/a.jpg", new FaceBox(1, 2, 30, 40), 1, p, "m",
        THREE, 0.5);
    assertThat(kept.size()).isEqualTo(Predictions.schema(THREE).size());
    assertThat(kept.getString(Predictions.schema(THREE).fieldIndex("predicted_label"))).isEqualTo("happy");
    assertThat(kept.getString(Predictions.schema(THREE).fieldIndex("label"))).as("equal to the threshold: kept")
        .isEqualTo("happy");
    assertThat(kept.getFloat(Predictions.schema(THREE).fieldIndex("confidence"))).isEqualTo(0.5f);
    assertThat(kept.getFloat(Predictions.schema(THREE).fieldIndex("p_sad"))).isEqualTo(0.3f);
    assertThat(kept.getString(Predictions.schema(THREE).fieldIndex("model"))).isEqualTo("m");
    Row box = kept.getStruct(Predictions.schema(THREE).fieldIndex("box"));
    assertThat(List.of(box.getInt(0), box.getInt(1), box.getInt(2), box.getInt(3))).containsExactly(1, 2, 30, 40);

    Row below = Predictions.row("t1", "train.csv:3", null, 0, p, "m", THREE, 0.51);
    assertThat(below.getString(Predictions.schema(THREE).fieldIndex("predicted_label"))).isEqualTo("happy");
    assertThat(below.getString(Predictions.schema(THREE).fieldIndex("label"))).isEqualTo("uncertain");
    assertThat(below.getString(Predictions.schema(THREE).fieldIndex("true_label"))).isEqualTo("angry");
    assertThat(below.isNullAt(Predictions.schema(THREE).fieldIndex("box"))).isTrue();
    assertThat(Predictions.row("t1", null, null, 0, p, "m", THREE, 0).getString(
        Predictions.schema(THREE).fieldIndex("label"))).as("threshold 0: never uncertain").isEqualTo("happy");
  }
}
