package org.ferspark.preprocessing.io;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Size bounds on every untrusted file the jobs read whole ({@code fer.limits.*} in reference.conf): JSON files,
 * configuration files and each entry of a model zip. A read checks the bound before it allocates and stops at it.
 *
 * <p>Jobs install their resolved configuration with {@link #use(Config)}; elsewhere (Spark executors, tests) the
 * defaults apply, overridable with {@code -Dfer.limits.KEY=VALUE}.
 */
public record Limits(long jsonBytes, long configFileBytes, long modelFileBytes, long modelConfigurationBytes,
    long modelMetadataBytes, long modelCoefficientsBytes, long modelUpdaterBytes) {

  private static volatile Limits current;

  /** The bounds under {@code fer.limits} of {@code config}. */
  public static Limits from(Config config) {
    Config c = config.getConfig("fer.limits");
    return new Limits(c.getBytes("json-bytes"), c.getBytes("config-file-bytes"), c.getBytes("model.file-bytes"),
        c.getBytes("model.configuration-bytes"), c.getBytes("model.metadata-bytes"),
        c.getBytes("model.coefficients-bytes"), c.getBytes("model.updater-bytes"));
  }

  /** The bounds in force: those installed by {@link #use}, else reference.conf with system-property overrides. */
  public static Limits current() {
    Limits l = current;
    if (l == null) {
      l = from(ConfigFactory.load());
      current = l;
    }
    return l;
  }

  /** Installs the bounds of a job's resolved configuration for this JVM. */
  public static void use(Config config) {
    current = from(config);
  }
}
