package org.ferspark.realtime.source;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * An image file, or every file of a directory in name order, read with OpenCV's {@code imread} as BGR. Files that
 * cannot be read as images are reported on stderr, skipped and counted.
 */
public final class ImageSource implements FrameSource {
  private final List<Path> files;
  private final PrintStream log;
  private int next;
  private long index;
  private int skipped;
  private Mat current;

  private ImageSource(List<Path> files, PrintStream log) {
    this.files = files;
    this.log = log;
  }

  /** The image {@code path}, or the regular, non-hidden files directly inside the directory {@code path}. */
  public static ImageSource open(File path) {
    return open(path, System.err);
  }

  static ImageSource open(File path, PrintStream log) {
    Path p = path.toPath();
    if (!Files.exists(p)) {
      throw new InputError("cannot read images from " + path + ": no such file or directory");
    }
    FaceNormalizer.loadNatives();
    if (Files.isRegularFile(p)) {
      return new ImageSource(List.of(p), log);
    }
    try (Stream<Path> listing = Files.list(p)) {
      List<Path> files = listing.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
      if (files.isEmpty()) {
        throw new InputError("cannot read images from " + path + ": the directory has no files");
      }
      return new ImageSource(files, log);
    } catch (IOException e) {
      throw new InputError("cannot list " + path + ": " + e.getMessage());
    }
  }

  @Override
  public GrabbedFrame grab() {
    releaseCurrent();
    while (next < files.size()) {
      Path file = files.get(next++);
      Mat image = imread(file.toString(), IMREAD_COLOR);
      if (image == null || image.empty()) {
        if (image != null) {
          image.close();
        }
        skipped++;
        log.println("fer-realtime: skipped " + file + ": not an image OpenCV can read");
        continue;
      }
      current = image;
      return new GrabbedFrame(image, index++, 0.0, file.getFileName().toString());
    }
    return null;
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
