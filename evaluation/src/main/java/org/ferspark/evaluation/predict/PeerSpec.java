package org.ferspark.evaluation.predict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ferspark.evaluation.predict.FaceViews.Interpolation;
import org.ferspark.evaluation.predict.InputConvention.Scale;
import org.ferspark.preprocessing.config.FerConfig;

/**
 * Parses a {@code --peer} argument: {@code KIND:PATH[:OPTIONS]}, e.g.
 * {@code keras:/work/peers/mini_xception.hdf5:size=64,scale=symmetric,labels=angry,disgust,fear,happy,sad,surprise,neutral}.
 *
 * <p>{@code KIND} is {@code keras} (a Keras 2 HDF5 file). {@code PATH} is any Hadoop path (it may contain
 * {@code :}); the options are what follows the last {@code :} when that part contains {@code =}. Options are
 * {@code key=value} separated by commas; a comma-separated item without {@code =} continues the list of the
 * option before it (only {@code labels} takes a list):
 * <ul>
 *   <li>{@code name=NAME}: the model's name in tables (default: the file name without extension)</li>
 *   <li>{@code size=N}: the network's input side; stored faces are resized to it (default 48)</li>
 *   <li>{@code scale=unit|symmetric|raw}: {@code x/255}, {@code (x/255-0.5)*2}, or {@code x} (default unit)</li>
 *   <li>{@code channels=last|first}: NHWC (Keras, default) or NCHW</li>
 *   <li>{@code interpolation=linear|area}: resizing filter (default linear)</li>
 *   <li>{@code labels=A,B,...}: the class name of each network output, in output order, using the dataset's
 *       names (default: the dataset's own label order)</li>
 * </ul>
 * Errors are {@link FerConfig.ConfigError}s (exit code 2) naming the spec and the problem.
 */
public final class PeerSpec {
  static final List<String> KEYS = List.of("name", "size", "scale", "channels", "interpolation", "labels");

  private PeerSpec() {
  }

  /** The model a {@code --peer} argument describes; an empty label list means the dataset's label order. */
  public static ModelSpec parse(String spec) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw error(spec, "expected KIND:PATH[:OPTIONS], e.g. keras:/path/model.hdf5:size=64,scale=symmetric");
    }
    String kind = spec.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!kind.equals("keras")) {
      throw error(spec, "unknown peer kind '" + kind + "'; supported: keras");
    }
    String rest = spec.substring(colon + 1);
    String path = rest;
    String options = "";
    int last = rest.lastIndexOf(':');
    if (last >= 0 && rest.substring(last + 1).contains("=")) {
      path = rest.substring(0, last);
      options = rest.substring(last + 1);
    }
    if (path.isBlank()) {
      throw error(spec, "no model file path");
    }
    Map<String, List<String>> opts = options(spec, options);
    String name = single(spec, opts, "name", ModelSpec.baseName(path, ".hdf5", ".h5", ".keras"));
    int size = integer(spec, single(spec, opts, "size", "48"));
    Scale scale = choice(spec, "scale", single(spec, opts, "scale", "unit"), Scale.class);
    String channels = single(spec, opts, "channels", "last").toLowerCase(Locale.ROOT);
    if (!channels.equals("last") && !channels.equals("first")) {
      throw error(spec, "channels must be last or first, got '" + channels + "'");
    }
    Interpolation interpolation = choice(spec, "interpolation", single(spec, opts, "interpolation", "linear"),
        Interpolation.class);
    List<String> labels = opts.getOrDefault("labels", List.of());
    if (opts.containsKey("labels") && (labels.isEmpty() || labels.stream().anyMatch(String::isBlank))) {
      throw error(spec, "labels needs one non-empty class name per output, got " + labels);
    }
    if (labels.stream().distinct().count() != labels.size()) {
      throw error(spec, "labels lists a class twice: " + labels);
    }
    return new ModelSpec(ModelSpec.Kind.KERAS, name, path,
        new InputConvention(size, scale, channels.equals("last"), interpolation, labels));
  }

  private static Map<String, List<String>> options(String spec, String options) {
    Map<String, List<String>> opts = new LinkedHashMap<>();
    String current = null;
    for (String item : options.isEmpty() ? new String[0] : options.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        if (!"labels".equals(current)) {
          throw error(spec, "'" + item + "' is not key=value (only labels takes a comma-separated list)");
        }
        opts.get(current).add(item.trim());
        continue;
      }
      current = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(current)) {
        throw error(spec, "unknown option '" + current + "'; valid: " + String.join(", ", KEYS));
      }
      if (opts.containsKey(current)) {
        throw error(spec, "option '" + current + "' given twice");
      }
      List<String> values = new ArrayList<>();
      values.add(item.substring(eq + 1).trim());
      opts.put(current, values);
    }
    return opts;
  }

  private static String single(String spec, Map<String, List<String>> opts, String key, String fallback) {
    List<String> v = opts.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.get(0).isEmpty()) {
      throw error(spec, "option '" + key + "' has no value");
    }
    return v.get(0);
  }

  private static int integer(String spec, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 8 && n <= 1024) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(spec, "size must be an integer from 8 to 1024, got '" + value + "'");
  }

  private static <E extends Enum<E>> E choice(String spec, String key, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    List<String> valid = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      valid.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw error(spec, key + " must be one of " + String.join(", ", valid) + ", got '" + value + "'");
  }

  private static FerConfig.ConfigError error(String spec, String problem) {
    return new FerConfig.ConfigError("--peer '" + spec + "': " + problem);
  }
}
