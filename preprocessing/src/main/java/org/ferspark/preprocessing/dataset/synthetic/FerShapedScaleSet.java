package org.ferspark.preprocessing.dataset.synthetic;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ferspark.preprocessing.dataset.Emotion;

/**
 * Builds an N-input folder-per-class tree {@code <out>/<label>/<n>.jpg} (no split level) for scale runs: the
 * FER2013 JPEGs are copied once into {@code <out>/.src/<label>/}, then hard-linked under new names, cycling
 * through the sources, until N files exist. A million inputs cost a million directory entries and no image
 * bytes beyond the one copy. Calling it again with the same N on a complete tree does nothing.
 *
 * <p>{@code .src} starts with a dot, so Hadoop's input listing (which skips names starting with {@code .} or
 * {@code _}) does not see the copies; readers that list files themselves must skip it too.
 */
public final class FerShapedScaleSet {
  public static final String SOURCE_DIR = ".src";

  /** What {@link #build} found or did. */
  public record Result(Path root, long inputs, int sources, long linksCreated) {
  }

  private FerShapedScaleSet() {
  }

  /** Makes {@code out} hold exactly {@code n} inputs linked from the images of {@code ferSource}. */
  public static Result build(Path ferSource, Path out, long n) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("scale set size must be >= 1, got " + n);
    }
    List<Path> sources = copySources(FerTree.index(ferSource), out.resolve(SOURCE_DIR));
    long existing = countInputs(out);
    if (existing == n) {
      return new Result(out, n, sources.size(), 0);
    }
    if (existing > n) {
      throw new IllegalStateException(out + " already holds " + existing + " inputs, more than the " + n
          + " asked for; delete it or choose another --out");
    }
    long created = 0;
    for (Path dir : sources.stream().map(p -> out.resolve(p.getParent().getFileName())).distinct().toList()) {
      Files.createDirectories(dir);
    }
    for (long i = 0; i < n; i++) {
      Path source = sources.get((int) (i % sources.size()));
      Path link = out.resolve(source.getParent().getFileName().toString()).resolve(i + ".jpg");
      try {
        Files.createLink(link, source);
        created++;
      } catch (FileAlreadyExistsException e) {
        // left by an earlier, interrupted build
      }
    }
    long total = countInputs(out);
    if (total != n) {
      throw new IllegalStateException(out + " holds " + total + " inputs after linking, expected " + n);
    }
    return new Result(out, n, sources.size(), created);
  }

  /** Files under the label folders of {@code root} (the {@code .src} copies not counted). */
  public static long countInputs(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    long count = 0;
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory)
          .filter(d -> !d.getFileName().toString().startsWith(".")).toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          count += files.count();
        }
      }
    }
    return count;
  }

  /** Copies every source image to {@code srcDir/<label>/<name>} unless already there; returns the copies. */
  private static List<Path> copySources(FerTree tree, Path srcDir) throws IOException {
    List<Path> copies = new ArrayList<>(tree.all().size());
    for (Map.Entry<Emotion, List<Path>> entry : tree.byEmotion().entrySet()) {
      Path dir = Files.createDirectories(srcDir.resolve(entry.getKey().label()));
      for (Path image : entry.getValue()) {
        Path copy = dir.resolve(image.getFileName().toString());
        if (!Files.isRegularFile(copy) || Files.size(copy) != Files.size(image)) {
          Files.copy(image, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        copies.add(copy);
      }
    }
    return copies;
  }
}
