package org.ferspark.model.calibrate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.Calibration;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.train.Batches;
import org.ferspark.model.train.TensorDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Fits a model's temperature on a labelled split: one inference pass over the faces (batch norm folded, as every
 * classifying path runs the network), their log-probabilities as logits, {@link TemperatureScaling#fit}, and the
 * NLL and ECE before and after as a {@link Calibration} for the model file's metadata. Spark-free: the end of
 * training and {@code CalibrateJob} use it alike.
 */
public final class Calibrator {

  private Calibrator() {
  }

  /** The network's softmax outputs for every face of {@code data}, in data order, model output order. */
  public static float[][] probabilities(ComputationGraph net, TensorDataset data, int batch, int size) {
    ComputationGraph folded = BatchNormFolding.fold(net);
    int[] order = IntStream.range(0, data.size()).toArray();
    Batches plain = new Batches(size, data.classes(), 0, null);
    float[][] out = new float[data.size()][];
    for (int from = 0; from < order.length; from += batch) {
      int to = Math.min(order.length, from + batch);
      DataSet ds = plain.of(data, order, from, to, null);
      INDArray p = folded.outputSingle(false, ds.getFeatures());
      float[][] rows = p.toFloatMatrix();
      System.arraycopy(rows, 0, out, from, rows.length);
    }
    return out;
  }

  /**
   * Fits the temperature of {@code net} on {@code data}, whose labels must index the network's outputs.
   *
   * @param split the split's name, recorded
   * @param datasetFingerprint the dataset's fingerprint, recorded
   */
  public static Calibration fit(ComputationGraph net, TensorDataset data, int batch, int size, String split,
      String datasetFingerprint) {
    return fit(probabilities(net, data, batch, size), data.labels(), split, datasetFingerprint);
  }

  /** Fits the temperature of softmax outputs {@code probabilities} with true classes {@code labels}. */
  public static Calibration fit(float[][] probabilities, int[] labels, String split, String datasetFingerprint) {
    TemperatureScaling.Fit fit = TemperatureScaling.fit(TemperatureScaling.logits(probabilities), labels);
    float[][] calibrated = TemperatureScaling.apply(probabilities, fit.temperature());
    return new Calibration(Calibration.TEMPERATURE_SCALING, fit.temperature(), split, labels.length,
        fit.nllBefore(), fit.nllAfter(), TemperatureScaling.ece(probabilities, labels),
        TemperatureScaling.ece(calibrated, labels), datasetFingerprint,
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }
}
