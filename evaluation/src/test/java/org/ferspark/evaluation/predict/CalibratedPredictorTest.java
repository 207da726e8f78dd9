package org.ferspark.evaluation.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.evaluation.metrics.EvaluationAccumulator;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.spark.TinyModels;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.io.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Evaluation scores a calibrated model file with its temperature applied exactly once: softmax(z / T). */
class CalibratedPredictorTest {
  static final double T = 2.5;
  @TempDir static Path dir;
  static Path raw;
  static Path calibrated;
  static byte[][] faces;

  @BeforeAll
  static void models() throws IOException {
    raw = TinyModels.write(dir.resolve("raw.zip"), Faces.LABELS, 5);
    calibrated = dir.resolve("calibrated.zip");
    ModelFile.replaceMetadata(raw, ModelFile.readMetadata(raw).withCalibration(new Calibration(
        Calibration.TEMPERATURE_SCALING, T, "validation", 70, 2, 1.9, 0.1, 0.05, "test-fingerprint", "now")),
        calibrated);
    faces = Faces.sample("test").stream().map(Faces.Face::pixels).toArray(byte[][]::new);
  }

  @Test
  void predictIsTheSoftmaxOfTheNetworksLogitsOverTOnce() throws IOException {
    PreparedModel model = PreparedModel.prepare(ModelSpec.fer(calibrated.toString()), Faces.LABELS,
        new Configuration());
    Predictor p = model.borrow(Faces.LABELS);
    try {
      assertThat(model.temperature()).isEqualTo(T);
      assertThat(p.temperature()).isEqualTo(T);
      float[][] network = ModelFile.load(raw, false).graph().outputSingle(false, input(faces)).toFloatMatrix();
      float[][] got = p.predict(faces, faces.length, 48);
      float[][][] both = p.predictBoth(faces, faces.length, 48);
      double largestTwiceGap = 0;
      for (int i = 0; i < faces.length; i++) {
        double[] once = tempered(network[i], T);
        double[] twice = tempered(network[i], T * T);
        for (int c = 0; c < 7; c++) {
          assertThat((double) got[i][c]).as("face %s class %s", i, c).isCloseTo(once[c], within(2e-5));
          assertThat(both[0][i][c]).isEqualTo(got[i][c]);
          assertThat((double) both[1][i][c]).as("uncalibrated").isCloseTo(network[i][c], within(2e-5));
          largestTwiceGap = Math.max(largestTwiceGap, Math.abs(once[c] - twice[c]));
        }
      }
      assertThat(largestTwiceGap).as("the faces tell T applied once from T applied twice").isGreaterThan(1e-3);
    } finally {
      PredictorCache.release(model.key(), p);
    }
  }

  @Test
  void theScorerCountsTheUncalibratedProbabilitiesOfACalibratedModelBeside() throws IOException {
    Configuration hadoop = new Configuration();
    PreparedModel cal = PreparedModel.prepare(ModelSpec.fer(calibrated.toString()), Faces.LABELS, hadoop);
    PreparedModel plain = PreparedModel.prepare(ModelSpec.fer(raw.toString()), Faces.LABELS, hadoop);
    Predictor a = cal.borrow(Faces.LABELS);
    Predictor b = plain.borrow(Faces.LABELS);
    try {
      assertThat(plain.temperature()).isEqualTo(1);
      float[][][] same = b.predictBoth(faces, 3, 48);
      assertThat(same[0]).as("T = 1: one array").isSameAs(same[1]);
      BatchScorer scorer = new BatchScorer(List.of(a, b), null, 16, 48, 7, 0, 0.2);
      List<Faces.Face> sample = Faces.sample("test");
      sample.forEach(f -> scorer.add(f.id(), f.label(), f.pixels()));
      EvaluationAccumulator acc = scorer.finish();
      assertThat(acc.uncalibrated(1)).as("no before/after for T = 1").isNull();
      Metrics before = acc.uncalibrated(0).toMetrics(Faces.LABELS);
      Metrics after = acc.plain(0).toMetrics(Faces.LABELS);
      Metrics reference = acc.plain(1).toMetrics(Faces.LABELS);
      assertThat(before.meanLoss()).as("before = the uncalibrated file's scores")
          .isCloseTo(reference.meanLoss(), within(1e-5));
      assertThat(before.ece()).isCloseTo(reference.ece(), within(1e-5));
      assertThat(after.accuracy()).as("a temperature keeps every prediction").isEqualTo(reference.accuracy());
      assertThat(after.meanLoss()).isNotCloseTo(reference.meanLoss(), within(1e-3));
      assertThat(after.riskCoverage().atMinConfidence().threshold()).isEqualTo(0.2);
    } finally {
      PredictorCache.release(cal.key(), a);
      PredictorCache.release(plain.key(), b);
    }
  }

  /** {@code p^(1/t)} renormalised: softmax(ln p / t), computed here independently of TemperatureScaling. */
  static double[] tempered(float[] p, double t) {
    double[] q = new double[p.length];
    double sum = 0;
    for (int c = 0; c < p.length; c++) {
      q[c] = Math.pow(p[c], 1 / t);
      sum += q[c];
    }
    for (int c = 0; c < p.length; c++) {
      q[c] /= sum;
    }
    return q;
  }

  static INDArray input(byte[][] px) {
    INDArray x = Nd4j.create(DataType.FLOAT, px.length, 1, 48, 48);
    for (int i = 0; i < px.length; i++) {
      for (int j = 0; j < 48 * 48; j++) {
        x.putScalar(new long[] {i, 0, j / 48, j % 48}, (px[i][j] & 0xff) / 255.0);
      }
    }
    return x;
  }
}
