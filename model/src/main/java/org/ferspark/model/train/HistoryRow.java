package org.ferspark.model.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One epoch of a training history ({@code history.csv}, {@code history.json}, and inside every checkpoint).
 *
 * @param epoch epoch number, from 1
 * @param learningRate the learning rate the schedule gave this epoch
 * @param trainLoss mean minibatch training loss during the epoch (see {@link TrainStats#loss()})
 * @param trainAccuracy accuracy in inference mode on the seeded training sample after the epoch (NaN = skipped)
 * @param valLoss mean cross-entropy on the validation split after the epoch, inference mode
 * @param valAccuracy accuracy on the validation split
 * @param images training images fitted
 * @param fitSeconds wall time of the fit
 * @param seconds wall time of the whole epoch (fit, evaluation, checkpoint)
 * @param imagesPerSecond {@code images / fitSeconds}
 */
public record HistoryRow(int epoch, double learningRate, double trainLoss, double trainAccuracy, double valLoss,
    double valAccuracy, long images, double fitSeconds, double seconds, double imagesPerSecond) {

  public static final List<String> COLUMNS = List.of("epoch", "lr", "train_loss", "train_acc", "val_loss", "val_acc",
      "images", "fit_seconds", "seconds", "images_per_s");

  /** The row as a JSON-friendly map (keys as {@link #COLUMNS}; NaN as null). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    Object[] values = {epoch, learningRate, trainLoss, trainAccuracy, valLoss, valAccuracy, images, fitSeconds,
        seconds, imagesPerSecond};
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      m.put(COLUMNS.get(i), v instanceof Double d && !Double.isFinite(d) ? null : v);
    }
    return m;
  }

  /** Reads a map written by {@link #toMap()} (numbers may come back as any Number, null as NaN). */
  public static HistoryRow fromMap(Map<?, ?> m) {
    return new HistoryRow((int) num(m, "epoch"), num(m, "lr"), num(m, "train_loss"), num(m, "train_acc"),
        num(m, "val_loss"), num(m, "val_acc"), (long) num(m, "images"), num(m, "fit_seconds"), num(m, "seconds"),
        num(m, "images_per_s"));
  }

  /** One CSV line, columns as {@link #COLUMNS}; NaN as an empty field. */
  public String toCsv() {
    return String.join(",", String.valueOf(epoch), d(learningRate), d(trainLoss), d(trainAccuracy), d(valLoss),
        d(valAccuracy), String.valueOf(images), d(fitSeconds), d(seconds), d(imagesPerSecond));
  }

  private static String d(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  private static double num(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return v == null ? Double.NaN : Double.parseDouble(v.toString());
  }
}
