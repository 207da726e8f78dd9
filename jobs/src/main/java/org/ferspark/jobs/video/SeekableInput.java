package org.ferspark.jobs.video;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * A Hadoop file as the {@link InputStream} FFmpeg reads through JavaCV: JavaCV seeks by {@code reset()} (back to
 * the mark, always the start here) followed by {@code skip(n)}, and asks for the size by skipping to the end, so
 * both are implemented with {@link FSDataInputStream#seek}: random access to a video on any Hadoop file system
 * without copying it.
 */
final class SeekableInput extends InputStream {
  private final FSDataInputStream in;
  private final long length;
  private long mark;

  SeekableInput(FSDataInputStream in, long length) {
    this.in = in;
    this.length = length;
  }

  @Override
  public int read() throws IOException {
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    long pos = in.getPos();
    long target = Math.max(0, Math.min(length, pos + Math.max(0, n)));
    in.seek(target);
    return target - pos;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, length - in.getPos());
  }

  @Override
  public boolean markSupported() {
    return true;
  }

  @Override
  public synchronized void mark(int readLimit) {
    try {
      mark = in.getPos();
    } catch (IOException e) {
      mark = 0;
    }
  }

  @Override
  public synchronized void reset() throws IOException {
    in.seek(mark);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
