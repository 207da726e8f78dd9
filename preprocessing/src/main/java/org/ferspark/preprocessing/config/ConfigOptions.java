package org.ferspark.preprocessing.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ferspark.preprocessing.io.Limits;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} and {@code --set KEY=VALUE} options every command shares, as a picocli mixin
 * ({@code @Mixin ConfigOptions configOptions;}), and their one way into {@link FerConfig#load}.
 */
public final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "HOCON configuration file (see conf/fer.conf): a local or any Hadoop path (hdfs://, s3a://).")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one configuration key (repeatable).")
  List<String> sets = new ArrayList<>();

  /**
   * reference.conf ← {@code --config} ← {@code --set} ← {@code flags} (the command's own flags win). Installs the
   * result's {@code fer.limits} for this JVM ({@link Limits#use}).
   */
  public Config load(Map<String, Object> flags) {
    Config loaded = FerConfig.loadFrom(config, sets, flags);
    Limits.use(loaded);
    return loaded;
  }
}
