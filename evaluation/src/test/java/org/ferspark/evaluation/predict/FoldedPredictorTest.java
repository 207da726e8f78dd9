package org.ferspark.evaluation.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.net.BatchNormFolding;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The evaluation job scores fer-spark models with batch norm folded into the convolutions (the realtime and predict
 * path): the same probabilities as the saved graph within 1e-5 and the same predicted class, on the shipped model.
 */
class FoldedPredictorTest {
  @Test
  void theShippedModelIsScoredFoldedWithTheSavedGraphsProbabilities() throws Exception {
    var shipped = Faces.repoRoot().resolve("models/fer2013-default.zip");
    PreparedModel model = PreparedModel.prepare(ModelSpec.fer(shipped.toString()), Faces.LABELS, new Configuration());
    Predictor p = model.borrow(Faces.LABELS);
    try {
      ComputationGraph saved = ModelFile.load(shipped, false).graph();
      assertThat(BatchNormFolding.foldableChains(saved)).as("the shipped vgg-bn has chains to fold").isPositive();
      assertThat(BatchNormFolding.foldableChains(p.graph())).as("the evaluation graph is folded").isZero();
      assertThat(p.graph().getLayers().length).isLessThan(saved.getLayers().length);

      List<Faces.Face> faces = Faces.sample("test");
      byte[][] px = faces.stream().map(Faces.Face::pixels).toArray(byte[][]::new);
      float[][] folded = p.predict(px, px.length, 48);
      INDArray x = Nd4j.create(DataType.FLOAT, px.length, 1, 48, 48);
      for (int i = 0; i < px.length; i++) {
        for (int j = 0; j < 48 * 48; j++) {
          x.putScalar(new long[] {i, 0, j / 48, j % 48}, (px[i][j] & 0xff) / 255.0);
        }
      }
      // the saved graph's probabilities with the model's temperature, applied once as the Predictor does
      float[][] reference = org.ferspark.model.calibrate.TemperatureScaling.apply(
          saved.outputSingle(false, x).toFloatMatrix(), ModelFile.readMetadata(shipped).temperature());
      for (int i = 0; i < px.length; i++) {
        for (int c = 0; c < 7; c++) {
          assertThat((double) Math.abs(folded[i][c] - reference[i][c])).as("face %s class %s", faces.get(i).id(), c)
              .isLessThan(1e-5);
        }
        assertThat(argmax(folded[i])).as("prediction of %s", faces.get(i).id()).isEqualTo(argmax(reference[i]));
      }
    } finally {
      PredictorCache.release(model.key(), p);
    }
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }
}
