package org.ferspark.preprocessing.dataset.synthetic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ferspark.preprocessing.dataset.Emotion;

/**
 * A folder-per-class FER2013 tree ({@code <root>/<label>/*.jpg}, labels in any spelling {@link Emotion#fromName}
 * accepts) indexed in a fixed order, so that picks driven by a seeded random are reproducible.
 */
public final class FerTree {
  private final Path root;
  private final Map<Emotion, List<Path>> byEmotion;
  private final List<Path> all;

  private FerTree(Path root, Map<Emotion, List<Path>> byEmotion) {
    this.root = root;
    this.byEmotion = byEmotion;
    this.all = byEmotion.values().stream().flatMap(List::stream).toList();
  }

  /** Indexes {@code root}; folders that are not emotion labels are ignored. Fails if no image is found. */
  public static FerTree index(Path root) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("FER source is not a directory: " + root);
    }
    Map<Emotion, List<Path>> byEmotion = new EnumMap<>(Emotion.class);
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        var emotion = Emotion.fromName(dir.getFileName().toString());
        if (emotion.isEmpty()) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          List<Path> images = files.filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().toLowerCase().endsWith(".jpg")).sorted().toList();
          byEmotion.computeIfAbsent(emotion.get(), e -> new ArrayList<>()).addAll(images);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list FER source " + root, e);
    }
    byEmotion.values().removeIf(List::isEmpty);
    if (byEmotion.isEmpty()) {
      throw new IllegalArgumentException("no <label>/*.jpg images under FER source " + root
          + " (expected e.g. " + root.resolve("happy/1.jpg") + ")");
    }
    return new FerTree(root, byEmotion);
  }

  public Path root() {
    return root;
  }

  /** Images per emotion, in the enum's order; emotions without images are absent. */
  public Map<Emotion, List<Path>> byEmotion() {
    return byEmotion;
  }

  /** All images, grouped by emotion in the enum's order, sorted by path within each. */
  public List<Path> all() {
    return all;
  }

  public boolean has(Emotion emotion) {
    return byEmotion.containsKey(emotion);
  }

  /** A random image of {@code emotion}; {@link #has} must hold. */
  public Path pick(Emotion emotion, SplittableRandom random) {
    List<Path> images = byEmotion.get(emotion);
    if (images == null) {
      throw new IllegalArgumentException("FER source " + root + " has no images for " + emotion.label());
    }
    return images.get(random.nextInt(images.size()));
  }

  /** A random image of any emotion. */
  public Path pickAny(SplittableRandom random) {
    return all.get(random.nextInt(all.size()));
  }
}
