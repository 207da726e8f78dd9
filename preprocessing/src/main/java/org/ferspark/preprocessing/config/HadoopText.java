package org.ferspark.preprocessing.config;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.io.BoundedRead;
import org.ferspark.preprocessing.io.OneLine;

/** A small text file read through Hadoop's file systems (kept apart so local paths never load Hadoop). */
final class HadoopText {
  private HadoopText() {
  }

  /**
   * The file's text (UTF-8), at most {@code limit} bytes ({@code fer.limits.config-file-bytes}); a missing, unreadable
   * or larger file is a {@link FerConfig.ConfigError} naming it.
   */
  static String read(String location, long limit) {
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(new Configuration()).open(path)) {
      return new String(BoundedRead.readAtMost(in, limit, "config file " + location, "fer.limits.config-file-bytes"),
          StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new FerConfig.ConfigError("config file not found: " + location);
    } catch (IOException | IllegalArgumentException e) {
      throw new FerConfig.ConfigError("cannot read config file " + location + ": " + OneLine.of(e.getMessage()));
    }
  }
}
