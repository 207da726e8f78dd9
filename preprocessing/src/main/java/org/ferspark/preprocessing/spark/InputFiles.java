package org.ferspark.preprocessing.spark;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.image.RejectException;

/**
 * Reads the input images of one task. Every input stays a Hadoop URI; {@code file:} ones are read with one
 * {@link FileInputStream}, which is what Hadoop's raw local file system does underneath, without its per-open costs
 * (a {@code Path}/{@code URI} parse, an existence stat, an I/O statistics store and, through the checksummed local
 * file system, a lookup of a {@code .crc} sidecar that image datasets never have). Other schemes (HDFS, S3A, ...)
 * go through their Hadoop {@link FileSystem}, resolved once per scheme and authority. A local file is read into an
 * array of its length (no buffer copies).
 */
final class InputFiles {
  private final Configuration conf;
  private final long maxBytes;
  private final Map<String, FileSystem> byRoot = new HashMap<>();

  InputFiles(Configuration conf, long maxBytes) {
    this.conf = conf;
    this.maxBytes = maxBytes;
  }

  /**
   * The bytes of {@code file}, or a rejection: {@code file-not-found} (also for a folder or an unreadable file,
   * as Hadoop reports them), {@code unreadable-file}, {@code file-too-large}.
   */
  byte[] read(String file) throws RejectException {
    String local = localPath(file);
    try {
      if (local != null) {
        return readLocal(new File(local), file);
      }
      try (InputStream in = open(new Path(file))) {
        return readBounded(in, maxBytes, file);
      }
    } catch (FileNotFoundException e) {
      throw new RejectException("file-not-found", "no such file: " + file);
    } catch (IOException e) {
      throw new RejectException("unreadable-file", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The file's length (one fstat), then exactly that many bytes; a file that grew meanwhile is read to its end. */
  private byte[] readLocal(File local, String file) throws IOException, RejectException {
    try (RandomAccessFile in = new RandomAccessFile(local, "r")) {
      long length = in.length();
      if (length > maxBytes) {
        throw tooLarge(file);
      }
      byte[] bytes = new byte[(int) length];
      in.readFully(bytes);
      if (in.read() < 0) {
        return bytes;
      }
    }
    try (InputStream in = new FileInputStream(local)) {
      return readBounded(in, maxBytes, file);
    }
  }

  private InputStream open(Path path) throws IOException {
    String key = path.toUri().getScheme() + "://" + path.toUri().getAuthority();
    FileSystem fs = byRoot.get(key);
    if (fs == null) {
      fs = path.getFileSystem(conf);
      if (fs instanceof LocalFileSystem checksummed) {
        fs = checksummed.getRawFileSystem();
      }
      byRoot.put(key, fs);
    }
    return fs.open(path);
  }

  /**
   * The local path of a {@code file:/abs/path} or {@code file:///abs/path} URI as Hadoop's {@code Path.toString}
   * writes it (unescaped), or null for any other form (left to Hadoop).
   */
  static String localPath(String uri) {
    if (!uri.startsWith("file:/")) {
      return null;
    }
    String rest = uri.substring(5);
    if (rest.startsWith("///")) {
      rest = rest.substring(2);
    } else if (rest.startsWith("//")) {
      return null; // file://host/...: an authority, Hadoop decides
    }
    return rest.contains("/./") || rest.contains("/../") || rest.endsWith("/.") || rest.endsWith("/..") ? null : rest;
  }

  static byte[] readBounded(InputStream in, long maxBytes, String file) throws IOException, RejectException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (bytes.length > maxBytes) {
      throw tooLarge(file, maxBytes);
    }
    return bytes;
  }

  private RejectException tooLarge(String file) {
    return tooLarge(file, maxBytes);
  }

  private static RejectException tooLarge(String file, long maxBytes) {
    return new RejectException("file-too-large", file + " is larger than fer.image.max-file-bytes = " + maxBytes);
  }
}
