package org.ferspark.preprocessing.spark;

import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.preprocessing.image.RejectException;

/**
 * Reads image files whole on an executor, for jobs other than preprocessing (the evaluation of a photo folder), as
 * preprocessing reads them ({@link InputFiles}: {@code file:} paths with one plain read, other schemes through their
 * Hadoop file system, resolved once per scheme), at most {@code fer.image.max-file-bytes} of each, with the
 * preprocessing job's reason codes: {@code file-not-found}, {@code unreadable-file}, {@code file-too-large}.
 * Serializable (the Hadoop configuration travels with it). Not thread-safe: one per task.
 */
public final class ImageBytes implements Serializable {
  private static final long serialVersionUID = 1L;
  private final SerializableHadoopConf conf;
  private final long maxFileBytes;
  private transient InputFiles files;

  public ImageBytes(Configuration hadoop, long maxFileBytes) {
    this.conf = new SerializableHadoopConf(hadoop);
    this.maxFileBytes = maxFileBytes;
  }

  /** The bytes of {@code file} (a Hadoop path or URI). */
  public byte[] read(String file) throws RejectException {
    if (files == null) {
      files = new InputFiles(conf.get(), maxFileBytes);
    }
    return files.read(file);
  }
}
