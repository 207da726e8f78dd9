package org.ferspark.realtime.source;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.preprocessing.io.BoundedRead;

/**
 * An image file, or every file of a directory in name order, decoded as BGR with the checks of predict and
 * preprocessing ({@link FaceNormalizer#decode}: file size, the header's declared pixel count before anything is
 * allocated, truncation). Files that cannot be read as images are reported on stderr with the reason, skipped and
 * counted.
 */
public final class ImageSource implements FrameSource {
  private final List<Path> files;
  private final PrintStream log;
  private final FaceNormalizer decoder;
  private final long maxFileBytes;
  private int next;
  private long index;
  private int skipped;
  private Mat current;

  private ImageSource(List<Path> files, PrintStream log, long maxPixels, long maxFileBytes) {
    this.files = files;
    this.log = log;
    this.decoder = new FaceNormalizer(1, maxPixels, maxFileBytes);
    this.maxFileBytes = maxFileBytes;
  }

  /**
   * The image {@code path}, or the regular, non-hidden files directly inside the directory {@code path}, with the
   * default {@code fer.image.max-pixels} and {@code max-file-bytes}.
   */
  public static ImageSource open(File path) {
    Config c = ConfigFactory.load();
    return open(path, System.err, c.getLong("fer.image.max-pixels"), c.getBytes("fer.image.max-file-bytes"));
  }

  static ImageSource open(File path, PrintStream log) {
    Config c = ConfigFactory.load();
    return open(path, log, c.getLong("fer.image.max-pixels"), c.getBytes("fer.image.max-file-bytes"));
  }

  /** As {@link #open(File)}, refusing files over {@code maxFileBytes} and images over {@code maxPixels}. */
  public static ImageSource open(File path, PrintStream log, long maxPixels, long maxFileBytes) {
    Path p = path.toPath();
    if (!Files.exists(p)) {
      throw new InputError("cannot read images from " + path + ": no such file or directory");
    }
    FaceNormalizer.loadNatives();
    if (Files.isRegularFile(p)) {
      return new ImageSource(List.of(p), log, maxPixels, maxFileBytes);
    }
    if (!Files.isDirectory(p)) {
      throw new InputError("cannot read images from " + path + ": not a regular file or directory");
    }
    try (Stream<Path> listing = Files.list(p)) {
      List<Path> files = listing.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
      if (files.isEmpty()) {
        throw new InputError("cannot read images from " + path + ": the directory has no files");
      }
      return new ImageSource(files, log, maxPixels, maxFileBytes);
    } catch (IOException e) {
      throw new InputError("cannot list " + path + ": " + e.getMessage());
    }
  }

  @Override
  public GrabbedFrame grab() {
    releaseCurrent();
    while (next < files.size()) {
      Path file = files.get(next++);
      Mat image;
      try (InputStream in = Files.newInputStream(file)) {
        image = decoder.decode(BoundedRead.readAtMost(in, maxFileBytes, "file", "fer.image.max-file-bytes"),
            IMREAD_COLOR);
      } catch (RejectException e) {
        skip(file, e.reason() + ": " + e.detail());
        continue;
      } catch (BoundedRead.TooLargeException e) {
        skip(file, FaceNormalizer.FILE_TOO_LARGE + ": " + e.getMessage());
        continue;
      } catch (IOException e) {
        skip(file, "unreadable-file: " + e.getMessage());
        continue;
      }
      current = image;
      return new GrabbedFrame(image, index++, 0.0, file.getFileName().toString());
    }
    return null;
  }

  private void skip(Path file, String reason) {
    skipped++;
    log.println("fer-realtime: skipped " + file + ": " + reason);
  }

  @Override
  public double frameRate() {
    return 0;
  }

  @Override
  public int skipped() {
    return skipped;
  }

  @Override
  public void close() {
    releaseCurrent();
  }

  private void releaseCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
