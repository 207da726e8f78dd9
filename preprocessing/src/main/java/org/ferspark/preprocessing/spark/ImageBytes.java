package org.ferspark.preprocessing.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.RejectException;

/**
 * Reads image files whole through Hadoop on an executor, at most {@code fer.image.max-file-bytes} of each, with the
 * preprocessing job's reason codes: {@code file-not-found}, {@code unreadable-file}, {@code file-too-large}.
 * Serializable (the Hadoop configuration travels with it); the file systems are resolved once per instance and
 * scheme on first use. Not thread-safe: one per task.
 */
public final class ImageBytes implements Serializable {
  private static final long serialVersionUID = 1L;
  private final SerializableHadoopConf conf;
  private final long maxFileBytes;
  private transient FileSystems files;

  public ImageBytes(Configuration hadoop, long maxFileBytes) {
    this(new SerializableHadoopConf(hadoop), maxFileBytes);
  }

  ImageBytes(SerializableHadoopConf conf, long maxFileBytes) {
    this.conf = conf;
    this.maxFileBytes = maxFileBytes;
  }

  /** The bytes of {@code file} (a Hadoop path or URI). */
  public byte[] read(String file) throws RejectException {
    if (files == null) {
      files = new FileSystems(conf.get());
    }
    Path path = new Path(file);
    try (InputStream in = files.forPath(path).open(path)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFileBytes + 1));
      if (bytes.length > maxFileBytes) {
        throw new RejectException(FaceNormalizer.FILE_TOO_LARGE, file + " is larger than fer.image.max-file-bytes = "
            + maxFileBytes);
      }
      return bytes;
    } catch (FileNotFoundException e) {
      throw new RejectException("file-not-found", "no such file: " + file);
    } catch (IOException e) {
      throw new RejectException("unreadable-file", "cannot read " + file + ": " + e.getMessage());
    }
  }
}
