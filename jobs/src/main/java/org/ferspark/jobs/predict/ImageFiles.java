package org.ferspark.jobs.predict;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The inputs of predict, in a deterministic order: each argument in the order given; a file as is (whatever its
 * name); a directory walked recursively (following links, skipping names that start with {@code .}) for files
 * named {@code *.jpg, *.jpeg, *.png, *.bmp, *.webp, *.tif, *.tiff} (any case), sorted by path. An argument that
 * yields no image becomes an {@link Input} with an error, so it is reported in its place. Entries a walk passes
 * over become an {@link Input} with a {@code skipped} reason, reported and counted but not failures:
 * {@value #NOT_REGULAR} (a FIFO, socket or device), {@value #BROKEN_LINK}, {@value #LINK_LOOP}. A named argument
 * that is not a regular file or directory is a failure ({@value #NOT_REGULAR}), never opened: a FIFO would block.
 */
public final class ImageFiles {
  /** File name extensions taken from directories: the formats OpenCV 4.5.5 decodes. */
  public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff");
  public static final String NOT_REGULAR = "not-a-regular-file";
  public static final String BROKEN_LINK = "broken-symlink";
  public static final String LINK_LOOP = "symlink-loop";

  private ImageFiles() {
  }

  /**
   * One input: an image file to classify, a path that gave none with the reason ({@code error} non-null), or an
   * entry a directory walk skipped, with the reason ({@code skipped} non-null).
   */
  public record Input(Path path, String error, String skipped) {
    public Input(Path path, String error) {
      this(path, error, null);
    }
  }

  /** The inputs named by {@code arguments}, in output order. */
  public static List<Input> list(List<Path> arguments) {
    List<Input> inputs = new ArrayList<>();
    for (Path arg : arguments) {
      if (!Files.exists(arg)) {
        inputs.add(new Input(arg, "file-not-found: no such file or directory"));
      } else if (Files.isDirectory(arg)) {
        List<Input> found = walk(arg);
        if (found.stream().allMatch(i -> i.skipped() != null)) {
          inputs.add(new Input(arg, "no image files (" + String.join(", ", EXTENSIONS) + ") in this directory"));
        }
        inputs.addAll(found);
      } else if (!Files.isRegularFile(arg)) {
        inputs.add(new Input(arg, NOT_REGULAR + ": a FIFO, socket or device, not read"));
      } else {
        inputs.add(new Input(arg, null));
      }
    }
    return inputs;
  }

  /** Whether a file name has one of the {@link #EXTENSIONS}. */
  public static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static List<Input> walk(Path dir) {
    List<Input> found = new ArrayList<>();
    try {
      Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              return !d.equals(dir) && hidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              if (hidden(f)) {
                return FileVisitResult.CONTINUE;
              }
              if (attrs.isSymbolicLink()) {
                found.add(new Input(f, null, BROKEN_LINK + ": the link's target does not exist"));
              } else if (!attrs.isRegularFile() && !attrs.isDirectory()) {
                found.add(new Input(f, null, NOT_REGULAR + ": a FIFO, socket or device, not read"));
              } else if (attrs.isRegularFile() && isImageName(f.getFileName().toString())) {
                found.add(new Input(f, null));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              if (e instanceof FileSystemLoopException) {
                found.add(new Input(f, null, LINK_LOOP + ": a link to a folder above it, not followed"));
              } else {
                found.add(new Input(f, "unreadable-file: " + e.getMessage()));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      found.add(new Input(dir, "unreadable-file: " + e.getMessage()));
    }
    found.sort((a, b) -> a.path().compareTo(b.path()));
    return found;
  }

  private static boolean hidden(Path p) {
    return p.getFileName() != null && p.getFileName().toString().startsWith(".");
  }
}
