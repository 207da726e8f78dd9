package org.ferspark.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** {@code conf/spark-defaults.conf}, the properties the submit-scripts pass as {@code --conf} on every master. */
public final class ProjectSparkProperties {
  private ProjectSparkProperties() {
  }

  /** The file as Spark reads a properties file (key, whitespace or '=', value; values trimmed). */
  public static Map<String, String> read() throws IOException {
    Path file = Path.of(System.getProperty("fer.repo.root", "..")).resolve("conf/spark-defaults.conf");
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
    return out;
  }
}
