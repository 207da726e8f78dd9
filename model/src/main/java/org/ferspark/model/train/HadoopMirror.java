package org.ferspark.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.ferspark.preprocessing.dataset.InputError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training output directory on a Hadoop path ({@code hdfs://}, {@code s3a://}), kept as a copy of a local staging
 * directory: the training loop writes its files locally as usual ({@link OutputDir}), and after every epoch
 * {@link #sync} copies each new or changed file up under a temporary name ({@code .NAME.tmp}) and renames it into
 * place, checkpoints first, {@code history.*} next, {@code model.zip} last; epoch checkpoints pruned locally are
 * deleted remotely. So the remote directory always holds whole files, and a remote {@code model.zip} means a
 * finished run. {@code --resume} downloads the remote checkpoints and history into the staging directory first.
 */
public final class HadoopMirror {
  private static final Logger LOG = LoggerFactory.getLogger(HadoopMirror.class);
  private static final List<String> ROOT_FILES = List.of("history.csv", "history.json", "model.zip");

  private final org.apache.hadoop.fs.Path remote;
  private final FileSystem fs;
  private final Path staging;
  /** Relative name → the {@link #signature} of the local file last copied up. */
  private final Map<String, List<Object>> published = new HashMap<>();

  public HadoopMirror(String location, Path staging, Configuration conf) throws IOException {
    this.remote = new org.apache.hadoop.fs.Path(location);
    this.fs = remote.getFileSystem(conf);
    this.staging = staging;
  }

  /** A location with a URI scheme other than {@code file:} (a plain or {@code file:} path is trained to directly). */
  public static boolean isHadoop(String location) {
    return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") && !location.startsWith("file:");
  }

  public String location() {
    return remote.toString();
  }

  public String modelLocation() {
    return new org.apache.hadoop.fs.Path(remote, "model.zip").toString();
  }

  /** Refuses a file in place of the directory, and (without {@code resume} or {@code overwrite}) a used one. */
  public static void checkTarget(String location, boolean resume, boolean overwrite, Configuration conf)
      throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(location);
    FileSystem fs = dir.getFileSystem(conf);
    if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
      throw new InputError("--out " + location + " exists and is not a directory");
    }
    if (!resume && !overwrite && used(fs, dir)) {
      throw new InputError("--out " + location + " already holds a trained model or checkpoints; pass --resume to "
          + "continue that run or --overwrite to replace it");
    }
  }

  /**
   * Makes the remote directory and the (empty) staging directory ready: a fresh run with {@code overwrite} deletes
   * the remote run's files; {@code resume} downloads the remote checkpoints and history. Temporary files of an
   * interrupted copy are removed (under the output's claim, so they cannot be another run's).
   */
  void prepare(boolean resume, boolean overwrite) throws IOException {
    checkTarget(remote.toString(), resume, overwrite, fs.getConf());
    org.apache.hadoop.fs.Path checkpoints = new org.apache.hadoop.fs.Path(remote, "checkpoints");
    if (!resume && used(fs, remote)) {
      fs.delete(checkpoints, true);
      for (String f : ROOT_FILES) {
        fs.delete(new org.apache.hadoop.fs.Path(remote, f), false);
      }
    }
    fs.mkdirs(checkpoints);
    for (org.apache.hadoop.fs.Path dir : List.of(remote, checkpoints)) {
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.isFile() && s.getPath().getName().startsWith(".") && s.getPath().getName().endsWith(".tmp")) {
          fs.delete(s.getPath(), false);
          LOG.info("removed {}, left by an interrupted copy", s.getPath());
        }
      }
    }
    if (resume) {
      List<String> names = new ArrayList<>();
      for (FileStatus s : fs.listStatus(checkpoints)) {
        if (s.isFile() && s.getPath().getName().endsWith(".zip") && !s.getPath().getName().startsWith(".")) {
          names.add("checkpoints/" + s.getPath().getName());
        }
      }
      for (String f : ROOT_FILES) {
        if (!f.equals("model.zip") && fs.exists(new org.apache.hadoop.fs.Path(remote, f))) {
          names.add(f);
        }
      }
      for (String name : names) {
        Path local = staging.resolve(name);
        Files.createDirectories(local.getParent());
        fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(remote, name), new org.apache.hadoop.fs.Path(
            local.toUri()), true);
        published.put(name, signature(local));
      }
      LOG.info("--resume: {} file(s) from {} staged in {}", names.size(), remote, staging);
    }
  }

  /** Copies up what changed in the staging directory since the last call (see the class comment). */
  void sync() throws IOException {
    List<String> names = new ArrayList<>();
    Path localCheckpoints = staging.resolve("checkpoints");
    if (Files.isDirectory(localCheckpoints)) {
      try (Stream<Path> files = Files.list(localCheckpoints)) {
        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".zip") && !n.startsWith("."))
            .sorted(Comparator.comparing((String n) -> n.equals("best.zip")).thenComparing(n -> n))
            .forEach(n -> names.add("checkpoints/" + n));
      }
    }
    ROOT_FILES.stream().filter(f -> Files.isRegularFile(staging.resolve(f))).forEach(names::add);
    for (String name : names) {
      Path local = staging.resolve(name);
      List<Object> signature = signature(local);
      if (!signature.equals(published.get(name))) {
        copyUp(local, new org.apache.hadoop.fs.Path(remote, name));
        published.put(name, signature);
      }
    }
    org.apache.hadoop.fs.Path checkpoints = new org.apache.hadoop.fs.Path(remote, "checkpoints");
    for (FileStatus s : fs.listStatus(checkpoints)) {
      String name = "checkpoints/" + s.getPath().getName();
      if (s.isFile() && OutputDir.epochOf(Path.of(s.getPath().getName())) >= 0 && !names.contains(name)) {
        fs.delete(s.getPath(), false);
        published.remove(name);
      }
    }
  }

  private void copyUp(Path local, org.apache.hadoop.fs.Path target) throws IOException {
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName() + ".tmp");
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  private static boolean used(FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
    org.apache.hadoop.fs.Path checkpoints = new org.apache.hadoop.fs.Path(dir, "checkpoints");
    return fs.exists(new org.apache.hadoop.fs.Path(dir, "model.zip"))
        || fs.exists(checkpoints) && fs.getFileStatus(checkpoints).isDirectory()
        && fs.listStatus(checkpoints).length > 0;
  }

  /** Size, modification time and file key (inode): every write of the training loop renames a new file in. */
  private static List<Object> signature(Path local) throws IOException {
    var attributes = Files.readAttributes(local, java.nio.file.attribute.BasicFileAttributes.class);
    return List.of(attributes.size(), attributes.lastModifiedTime().toMillis(),
        String.valueOf(attributes.fileKey()));
  }
}
