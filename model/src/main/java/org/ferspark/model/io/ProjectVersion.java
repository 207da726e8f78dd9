package org.ferspark.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The fer-spark version: the jar manifest's Implementation-Version, else the build-generated resource, else "dev". */
final class ProjectVersion {
  private static final String RESOURCE = "/org/ferspark/model/version.properties";
  private static final String VERSION = find();

  private ProjectVersion() {
  }

  static String current() {
    return VERSION;
  }

  private static String find() {
    String manifest = ProjectVersion.class.getPackage().getImplementationVersion();
    if (manifest != null && !manifest.isBlank()) {
      return manifest;
    }
    try (InputStream in = ProjectVersion.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "").trim();
        if (!v.isEmpty() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      return "dev";
    }
    return "dev";
  }
}
