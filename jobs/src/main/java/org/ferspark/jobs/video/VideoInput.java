package org.ferspark.jobs.video;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * An FFmpeg grabber on a video at any Hadoop path: a local file ({@code file:}) is opened by name, anything else
 * through {@link SeekableInput}. Close it to release both.
 */
public final class VideoInput implements AutoCloseable {
  private final FFmpegFrameGrabber grabber;
  private final InputStream stream;
  private final long length;

  private VideoInput(FFmpegFrameGrabber grabber, InputStream stream, long length) {
    this.grabber = grabber;
    this.stream = stream;
    this.length = length;
  }

  /**
   * Opens (does not start) the grabber for {@code location}.
   *
   * @throws IOException if the file cannot be found or opened
   */
  public static VideoInput open(String location, Configuration conf) throws IOException {
    FaceNormalizer.loadNatives();
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    Path path = new Path(location);
    FileSystem fs = path.getFileSystem(conf);
    FileStatus status = fs.getFileStatus(path);
    if (!status.isFile()) {
      throw new IOException("not a regular file");
    }
    URI uri = fs.makeQualified(path).toUri();
    if ("file".equals(uri.getScheme())) {
      return new VideoInput(new FFmpegFrameGrabber(new java.io.File(uri)), null, status.getLen());
    }
    SeekableInput in = new SeekableInput(fs.open(path), status.getLen());
    return new VideoInput(new FFmpegFrameGrabber(in, 0), in, status.getLen());
  }

  public FFmpegFrameGrabber grabber() {
    return grabber;
  }

  /** The file's size in bytes. */
  public long length() {
    return length;
  }

  @Override
  public void close() {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      // releasing after use or after a failure: nothing more to report
    }
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException e) {
        // the same
      }
    }
  }
}
