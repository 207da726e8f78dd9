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
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.preprocessing.dataset.InputError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training output directory: {@code model.zip}, {@code history.csv}, {@code history.json},
 * {@code checkpoints/epoch-NNN.zip} (the last K) and {@code checkpoints/best.zip}. Every file is written under a
 * temporary name and renamed, so a killed run leaves whole files only, plus temporary files that the next run
 * removes ({@link #prepare}, under the output's claim, so they cannot be another run's). On resume the newest
 * checkpoint that loads is used; unreadable newer ones are skipped, each with its reason in the log.
 */
public final class OutputDir {
  private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d+)\\.zip");
  /** The temporary names of {@link #writeAtomically} and {@code ModelFile.save}: {@code .NAME.RANDOM.tmp}. */
  private static final Pattern TEMPORARY = Pattern.compile("\\.(epoch-\\d+\\.zip|best\\.zip|model\\.zip|history\\.csv"
      + "|history\\.json)\\.[0-9]+\\.tmp");
  private static final Logger LOG = LoggerFactory.getLogger(OutputDir.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final HadoopMirror mirror;

  public OutputDir(Path root) {
    this(root, null);
  }

  /** A directory whose files are also copied to {@code mirror} after every epoch ({@code null}: local only). */
  public OutputDir(Path root, HadoopMirror mirror) {
    this.root = root;
    this.mirror = mirror;
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
    if (mirror != null) {
      mirror.prepare(resume, overwrite);
    }
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
    removeTemporaryFiles();
  }

  /** A checkpoint to resume from, loaded with its updater state; {@code skipped} names newer unreadable ones. */
  public record Checkpoint(Path file, LoadedModel model, List<String> skipped) {
  }

  /**
   * The newest checkpoint that loads, newer unreadable ones skipped with a warning each (a kill or a full disk
   * during a write, a damaged copy). If {@code best.zip} is then from a skipped epoch, it is replaced by the
   * checkpoint of the resumed state's best epoch when that is still kept, so the final model stays consistent
   * with the history.
   *
   * @return empty if there is no checkpoint at all
   * @throws InputError if checkpoints exist but none loads
   */
  public Optional<Checkpoint> newestReadableCheckpoint() throws IOException {
    List<Path> all = listCheckpoints();
    List<String> skipped = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path file = all.get(i);
      try {
        LoadedModel model = ModelFile.load(file, true);
        if (!skipped.isEmpty()) {
          LOG.warn("--resume: resuming from {}, the newest readable checkpoint; skipped {}", file, skipped);
          repairBest(model, epochOf(file));
        }
        return Optional.of(new Checkpoint(file, model, List.copyOf(skipped)));
      } catch (ModelFileException e) {
        LOG.warn("--resume: skipping unreadable checkpoint {}", e.getMessage());
        skipped.add(file.getFileName() + " (" + e.getMessage() + ")");
      }
    }
    if (!skipped.isEmpty()) {
      throw new InputError("--resume: no checkpoint in " + checkpoints() + " is readable: " + String.join("; ",
          skipped) + "; pass --overwrite to start again");
    }
    return Optional.empty();
  }

  /** After a fallback to {@code epoch}: a {@code best.zip} written at a later, skipped epoch no longer fits. */
  private void repairBest(LoadedModel resumed, int epoch) throws IOException {
    Object state = resumed.metadata().trainingConfig().get(TrainingLoop.STATE);
    if (!(state instanceof java.util.Map<?, ?> m) || !(m.get("bestEpoch") instanceof Number bestEpoch)) {
      return;
    }
    int bestOfBest = -1;
    try {
      Object s = ModelFile.readMetadata(best()).trainingConfig().get(TrainingLoop.STATE);
      bestOfBest = s instanceof java.util.Map<?, ?> bm && bm.get("epoch") instanceof Number n ? n.intValue() : -1;
    } catch (ModelFileException e) {
      LOG.warn("--resume: {} is unreadable too", e.getMessage());
    }
    if (bestOfBest >= 0 && bestOfBest <= epoch) {
      return;
    }
    Path source = checkpoint(bestEpoch.intValue());
    if (Files.exists(source)) {
      Path tmp = Files.createTempFile(checkpoints(), "." + best().getFileName() + ".", ".tmp");
      try {
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, best(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      LOG.warn("--resume: {} was from a skipped epoch; replaced by {}", best(), source);
    } else {
      Files.deleteIfExists(best());
      LOG.warn("--resume: {} was from a skipped epoch and the checkpoint of best epoch {} is no longer kept; the "
          + "next improvement writes a new one", best(), bestEpoch);
    }
  }

  /** Deletes the {@code .NAME.N.tmp} files a killed run left in the directory and in {@code checkpoints/}. */
  private void removeTemporaryFiles() throws IOException {
    for (Path dir : List.of(root, checkpoints())) {
      List<Path> temporary;
      try (Stream<Path> files = Files.list(dir)) {
        temporary = files.filter(p -> TEMPORARY.matcher(p.getFileName().toString()).matches()).toList();
      }
      for (Path p : temporary) {
        Files.deleteIfExists(p);
        LOG.info("removed {}, left by an interrupted write", p);
      }
    }
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

  /** Copies what changed to the Hadoop mirror, if there is one (after each epoch and at the end of a run). */
  public void publish() throws IOException {
    if (mirror != null) {
      mirror.sync();
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
