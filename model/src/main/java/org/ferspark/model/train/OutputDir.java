package org.ferspark.model.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * The training output directory: {@code model.zip}, {@code history.csv}, {@code history.json},
 * {@code checkpoints/epoch-NNN.zip} (the last K) and {@code checkpoints/best.zip}. Every file is written under a
 * temporary name and renamed, so a killed run leaves whole files only.
 */
public final class OutputDir {
  private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d+)\\.zip");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public OutputDir(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public Path model() {
    return root.resolve("model.zip");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path best() {
    return checkpoints().resolve("best.zip");
  }

  public Path checkpoint(int epoch) {
    return checkpoints().resolve(String.format(Locale.ROOT, "epoch-%03d.zip", epoch));
  }

  /**
   * Makes the directory ready for a run. A fresh run refuses a directory holding a {@code model.zip} or checkpoints
   * unless {@code overwrite} (which deletes them first); {@code resume} keeps everything.
   */
  public void prepare(boolean resume, boolean overwrite) throws IOException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new InputError("--out " + root + " exists and is not a directory");
    }
    if (!resume) {
      boolean used = Files.exists(model()) || Files.isDirectory(checkpoints());
      if (used && !overwrite) {
        throw new InputError("--out " + root + " already holds a trained model or checkpoints; pass --resume to "
            + "continue that run or --overwrite to replace it");
      }
      if (used) {
        deleteTree(checkpoints());
        for (String f : List.of("model.zip", "history.csv", "history.json")) {
          Files.deleteIfExists(root.resolve(f));
        }
      }
    }
    Files.createDirectories(checkpoints());
  }

  /** The newest {@code epoch-NNN.zip}, if any. */
  public Optional<Path> lastCheckpoint() throws IOException {
    return listCheckpoints().stream().reduce((a, b) -> b);
  }

  /** Deletes all but the newest {@code keep} epoch checkpoints. */
  public void prune(int keep) throws IOException {
    List<Path> all = listCheckpoints();
    for (int i = 0; i < all.size() - keep; i++) {
      Files.deleteIfExists(all.get(i));
    }
  }

  /** Writes {@code history.csv} and {@code history.json} (atomic each). */
  public void writeHistory(List<HistoryRow> rows) throws IOException {
    StringBuilder csv = new StringBuilder(String.join(",", HistoryRow.COLUMNS)).append('\n');
    rows.forEach(r -> csv.append(r.toCsv()).append('\n'));
    writeAtomically(root.resolve("history.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
    writeAtomically(root.resolve("history.json"), JSON.writeValueAsBytes(rows.stream().map(HistoryRow::toMap)
        .toList()));
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private List<Path> listCheckpoints() throws IOException {
    if (!Files.isDirectory(checkpoints())) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(checkpoints())) {
      files.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches()).forEach(found::add);
    }
    found.sort(Comparator.comparingInt(OutputDir::epochOf));
    return found;
  }

  static int epochOf(Path checkpoint) {
    Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
