package org.ferspark.preprocessing.spark;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file systems one task reads images from, resolved once per scheme and authority. Local files are read
 * through the raw local file system: the checksummed one looks for a {@code .crc} sidecar beside every image
 * (image datasets have none), one extra file-system call per image.
 */
final class FileSystems {
  private final Configuration conf;
  private final Map<String, FileSystem> byRoot = new HashMap<>();

  FileSystems(Configuration conf) {
    this.conf = conf;
  }

  FileSystem forPath(Path path) throws IOException {
    String key = path.toUri().getScheme() + "://" + path.toUri().getAuthority();
    FileSystem fs = byRoot.get(key);
    if (fs == null) {
      fs = path.getFileSystem(conf);
      if (fs instanceof LocalFileSystem local) {
        fs = local.getRawFileSystem();
      }
      byRoot.put(key, fs);
    }
    return fs;
  }
}
