package org.ferspark.preprocessing.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ferspark.preprocessing.io.OneLine;

/**
 * The one configuration path of every job: each module's {@code reference.conf} defaults, then an optional
 * {@code --config FILE} (HOCON), then {@code --set key=value} overrides, then explicit command-line flags.
 *
 * <p>Every key a user supplies must exist in the defaults; a misspelt key is an error naming it, never silently
 * ignored.
 */
public final class FerConfig {
  private FerConfig() {}

  /**
   * Loads and resolves the configuration.
   *
   * @param configFile a HOCON file or {@code null}
   * @param sets {@code key=value} strings (the value is HOCON: numbers, booleans, quoted or bare strings, lists)
   * @param flags explicit settings from command-line flags, highest precedence (keys are full paths)
   * @throws ConfigError for a missing file, a parse error, or an unknown key
   */
  public static Config load(File configFile, List<String> sets, Map<String, Object> flags) {
    Config file = null;
    if (configFile != null) {
      if (!configFile.isFile()) {
        throw new ConfigError("config file not found: " + configFile);
      }
      long limit = ConfigFactory.defaultReference().getBytes("fer.limits.config-file-bytes");
      if (configFile.length() > limit) {
        throw new ConfigError("config file " + configFile + " is " + configFile.length() + " bytes, more than "
            + "fer.limits.config-file-bytes = " + limit);
      }
      try {
        file = ConfigFactory.parseFile(configFile,
            ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError("cannot parse config file " + configFile + ": " + OneLine.of(e.getMessage()));
      }
    }
    return merge(file, "config file " + configFile, sets, flags);
  }

  /**
   * As {@link #load(File, List, Map)}, with the configuration file at {@code location}: a local path, or any Hadoop
   * path ({@code hdfs://}, {@code s3a://}, ...; read whole, so HOCON {@code include}s relative to it do not resolve).
   */
  public static Config loadFrom(String location, List<String> sets, Map<String, Object> flags) {
    if (location == null || !location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") || location.startsWith("file:")) {
      return load(location == null ? null : new File(location.replaceFirst("^file:(//)?", "")), sets, flags);
    }
    String text = HadoopText.read(location, ConfigFactory.defaultReference().getBytes("fer.limits.config-file-bytes"));
    Config file;
    try {
      file = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
          .setOriginDescription(location));
    } catch (ConfigException e) {
      throw new ConfigError("cannot parse config file " + location + ": " + OneLine.of(e.getMessage()));
    }
    return merge(file, "config file " + location, sets, flags);
  }

  private static Config merge(Config file, String fileSource, List<String> sets, Map<String, Object> flags) {
    Config reference = ConfigFactory.defaultReference();
    Config merged = reference;
    if (file != null) {
      checkKnown(file, reference, fileSource);
      merged = file.withFallback(merged);
    }
    Config overrides = parseSets(sets == null ? List.of() : sets);
    checkKnown(overrides, reference, "--set");
    merged = overrides.withFallback(merged);
    if (flags != null && !flags.isEmpty()) {
      Config flagConfig = ConfigFactory.parseMap(flags, "command-line flags");
      checkKnown(flagConfig, reference, "command-line flags");
      merged = flagConfig.withFallback(merged);
    }
    try {
      return merged.resolve();
    } catch (ConfigException e) {
      throw new ConfigError("cannot resolve configuration: " + OneLine.of(e.getMessage()));
    }
  }

  /** Parses {@code key=value} pairs; a value that is not valid HOCON is taken as a plain string. */
  static Config parseSets(List<String> sets) {
    Config result = ConfigFactory.empty();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("--set expects key=value, got '" + set + "'");
      }
      String key = set.substring(0, eq).trim();
      String value = set.substring(eq + 1).trim();
      Config one;
      try {
        one = ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults().setOriginDescription("--set " + set));
      } catch (ConfigException e) {
        one = ConfigFactory.parseMap(Map.of(key, value), "--set " + set);
      }
      result = one.withFallback(result);
    }
    return result;
  }

  private static void checkKnown(Config supplied, Config reference, String source) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ?> entry : supplied.entrySet()) {
      String key = entry.getKey();
      if (!reference.hasPathOrNull(key) && !underFreeFormSection(key, reference)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigError("unknown configuration key" + (unknown.size() > 1 ? "s " : " ") + unknown
          + " (from " + source + "); see the reference.conf of each module for the valid keys");
    }
  }

  /** A key below an object the defaults declare as an empty map (free-form, e.g. a label mapping). */
  private static boolean underFreeFormSection(String key, Config reference) {
    String path = key;
    while (path.contains(".")) {
      path = path.substring(0, path.lastIndexOf('.'));
      if (reference.hasPath(path) && reference.getValue(path).valueType() == com.typesafe.config.ConfigValueType.OBJECT
          && reference.getObject(path).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** A configuration error a user can fix: a bad file, key or value. Jobs map it to exit code 2. */
  public static final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
      super(message);
    }
  }
}
