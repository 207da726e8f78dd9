package org.ferspark.evaluation.predict;

import java.io.Serializable;
import java.util.List;

/**
 * What to score and how to read it: the small, serialisable description of one model that travels to executors
 * with the scoring closure (the file's bytes travel once per executor as a broadcast).
 *
 * @param kind the file format
 * @param name the model's name in tables and report folders
 * @param location the file as given on the command line (any Hadoop path)
 * @param convention input convention and output labels; for {@link Kind#FER} models taken from the file's
 *     metadata by {@link PreparedModel#prepare}, null before that
 */
public record ModelSpec(Kind kind, String name, String location, InputConvention convention)
    implements Serializable {

  /** Model file formats. */
  public enum Kind {
    /** The project's model zip ({@code org.ferspark.model.io.ModelFile}). */
    FER,
    /** A Keras 2 HDF5 file (weights and architecture), imported with DL4J's {@code KerasModelImport}. */
    KERAS
  }

  /** A fer-spark model file; its name is the file name without {@code .zip}. */
  public static ModelSpec fer(String location) {
    return new ModelSpec(Kind.FER, baseName(location, ".zip"), location, null);
  }

  /** The same model with another name. */
  public ModelSpec withName(String newName) {
    return new ModelSpec(kind, newName, location, convention);
  }

  /** The same model with its convention settled. */
  public ModelSpec withConvention(InputConvention c) {
    return new ModelSpec(kind, name, location, c);
  }

  /** The last path segment without {@code suffix} (when present). */
  static String baseName(String location, String... suffixes) {
    String s = location.replaceAll("/+$", "");
    s = s.substring(s.lastIndexOf('/') + 1);
    for (String suffix : suffixes) {
      if (s.endsWith(suffix) && s.length() > suffix.length()) {
        return s.substring(0, s.length() - suffix.length());
      }
    }
    return s;
  }

  /** Distinct names, in order: a repeated name gets {@code -2}, {@code -3}, ... */
  public static List<ModelSpec> uniqueNames(List<ModelSpec> specs) {
    java.util.Set<String> used = new java.util.HashSet<>();
    java.util.List<ModelSpec> out = new java.util.ArrayList<>();
    for (ModelSpec s : specs) {
      String base = s.name().replaceAll("[^A-Za-z0-9._-]", "_");
      String name = base;
      for (int k = 2; !used.add(name); k++) {
        name = base + "-" + k;
      }
      out.add(s.withName(name));
    }
    return out;
  }
}
