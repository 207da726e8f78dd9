package org.ferspark.model.calibrate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import org.ferspark.preprocessing.config.FerConfig;

/**
 * The "uncertain" rule shared by predict, realtime and evaluate: a face whose top (calibrated) probability is below
 * the threshold {@value #KEY} (flag {@code --min-confidence} in each) is labelled {@value #UNCERTAIN} instead of its
 * most probable class. A top probability equal to the threshold is not uncertain; 0, the default, never labels a
 * face uncertain. One key for all three, so the threshold a report measures is the one the app applies.
 */
public final class MinConfidence {
  /** The configuration key (model module's reference.conf). */
  public static final String KEY = "fer.min-confidence";
  /** The label of a face below the threshold. */
  public static final String UNCERTAIN = "uncertain";

  private MinConfidence() {
  }

  /** Binds {@value #KEY}: a number in [0, 1], else a {@link FerConfig.ConfigError} naming the key. */
  public static double from(Config config) {
    double p;
    try {
      p = config.getDouble(KEY);
    } catch (ConfigException e) {
      throw new FerConfig.ConfigError(e.getMessage());
    }
    return check(p, KEY);
  }

  /** {@code p} if it is in [0, 1], else a {@link FerConfig.ConfigError} naming {@code source}. */
  public static double check(double p, String source) {
    if (!(p >= 0 && p <= 1)) {
      throw new FerConfig.ConfigError(source + " must be in [0, 1], got " + p);
    }
    return p;
  }

  /**
   * Whether a face with top probability {@code top} is uncertain: {@code top < minConfidence}, compared in float (the
   * precision of the probabilities), so that a probability printed as 0.900 is not uncertain at 0.9 because the float
   * nearest 0.9 lies just below it.
   */
  public static boolean uncertain(double top, double minConfidence) {
    return (float) top < (float) minConfidence;
  }

  /** The label of a face: its most probable class in {@code names}, or {@value #UNCERTAIN} below the threshold. */
  public static String label(float[] probabilities, List<String> names, double minConfidence) {
    int best = TemperatureScaling.argmax(probabilities);
    return uncertain(probabilities[best], minConfidence) ? UNCERTAIN : names.get(best);
  }

  /**
   * Refuses a threshold above 0 for a model that has a class named {@value #UNCERTAIN}: its faces could not be told
   * from uncertain ones.
   */
  public static void checkClassNames(List<String> names, double minConfidence, String model) {
    if (minConfidence > 0 && names.contains(UNCERTAIN)) {
      throw new FerConfig.ConfigError(model + " has a class named '" + UNCERTAIN + "', which " + KEY
          + " > 0 would be confused with; use a threshold of 0 with this model");
    }
  }
}
