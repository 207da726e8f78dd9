package org.ferspark.preprocessing.config;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** A small text file read through Hadoop's file systems (kept apart so local paths never load Hadoop). */
final class HadoopText {
  private HadoopText() {
  }

  /** The file's text (UTF-8); a missing or unreadable file is a {@link FerConfig.ConfigError} naming it. */
  static String read(String location) {
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(new Configuration()).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new FerConfig.ConfigError("config file not found: " + location);
    } catch (IOException | IllegalArgumentException e) {
      throw new FerConfig.ConfigError("cannot read config file " + location + ": " + e.getMessage());
    }
  }
}
