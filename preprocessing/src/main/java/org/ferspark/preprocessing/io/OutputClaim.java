package org.ferspark.preprocessing.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * One writer per output: a marker file {@value #FILE} in the output folder, created with create-new semantics
 * before anything is written there and deleted at the end ({@link #close}). It records the job, host, pid, start
 * time and a token. A second run finds it and is refused at once, naming the first.
 *
 * <p>Creation is atomic: on HDFS and other Hadoop file systems through {@code FileSystem.create(path, false)}
 * (the name node refuses an existing path); on the local file system, whose Hadoop {@code create} checks and then
 * creates, through {@code O_CREAT|O_EXCL} ({@link StandardOpenOption#CREATE_NEW}). A claim left by a killed run on
 * this host (its pid no longer alive, or alive but started later, i.e. reused) is recognised as stale and taken
 * over only when the caller allows it ({@code --overwrite}, {@code --resume}); a claim from another host cannot be
 * checked and is never taken over. The name starts with {@code _}, so Spark and Hadoop readers skip it.
 */
public final class OutputClaim implements AutoCloseable {
  public static final String FILE = "_fer-claim.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 3;

  private final FileSystem fs;
  private final Path file;
  private final String token;
  private boolean released;

  private OutputClaim(FileSystem fs, Path file, String token) {
    this.fs = fs;
    this.file = file;
    this.token = token;
  }

  /**
   * Claims {@code output} (created if missing) for {@code job}.
   *
   * @param takeOverStale take over a stale claim of a dead run on this host instead of refusing it
   * @throws InputError if another run holds the output (naming it), or a stale claim is found without
   *     {@code takeOverStale} (saying so and how to proceed)
   */
  public static OutputClaim acquire(Path output, Configuration conf, String job, boolean takeOverStale)
      throws IOException {
    FileSystem fs = output.getFileSystem(conf);
    if (fs.exists(output) && !fs.getFileStatus(output).isDirectory()) {
      throw new InputError("output " + output + " exists and is a file");
    }
    fs.mkdirs(output);
    Path file = new Path(output, FILE);
    String token = UUID.randomUUID().toString();
    byte[] marker = JSON.writeValueAsBytes(marker(job, token));
    for (int attempt = 1; ; attempt++) {
      if (createNew(fs, file, marker)) {
        return new OutputClaim(fs, file, token);
      }
      Optional<Holder> holder = read(fs, file);
      if (holder.isEmpty()) {
        if (attempt < ATTEMPTS) {
          pause();
          continue;
        }
        throw new InputError("output " + output + " is being claimed by another run right now (" + FILE
            + " exists but is empty or unreadable); if no other run writes there, delete " + file);
      }
      Holder h = holder.get();
      if (!h.stale()) {
        throw new InputError("output " + output + " is in use by another run: " + h + (h.sameHost() ? ""
            : "; if that run is gone, delete " + file));
      }
      if (!takeOverStale) {
        throw new InputError("output " + output + " holds the claim of a run that is no longer running (" + h
            + ", killed?); pass --overwrite (train: --resume or --overwrite) to take it over, or delete " + file);
      }
      if (!takeOver(fs, file, h, token) && attempt >= ATTEMPTS) {
        throw new InputError("output " + output + ": another run took over the stale claim at the same time");
      }
    }
  }

  /** Deletes the marker if it is still this run's (idempotent). */
  @Override
  public void close() throws IOException {
    if (released) {
      return;
    }
    released = true;
    Optional<Holder> holder = read(fs, file);
    if (holder.isPresent() && token.equals(holder.get().token())) {
      fs.delete(file, false);
    }
  }

  /** The marker's path. */
  public Path file() {
    return file;
  }

  /** Who holds a claim, as read from its marker. */
  record Holder(String job, String host, long pid, String started, String token) {
    boolean sameHost() {
      return host().equals(hostName());
    }

    /** A dead run on this host: its pid is gone, or belongs to a process started after the claim. */
    boolean stale() {
      if (!sameHost()) {
        return false;
      }
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty() || !process.get().isAlive()) {
        return true;
      }
      Optional<Instant> processStart = process.get().info().startInstant();
      try {
        return processStart.isPresent()
            && processStart.get().isAfter(Instant.parse(started).plus(1, ChronoUnit.SECONDS));
      } catch (RuntimeException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return job + " on host " + host + ", pid " + pid + ", started " + started;
    }
  }

  private static Map<String, Object> marker(String job, String token) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", job);
    m.put("host", hostName());
    m.put("pid", ProcessHandle.current().pid());
    m.put("started", ProcessHandle.current().info().startInstant().orElse(Instant.now()).toString());
    m.put("claimed", Instant.now().toString());
    m.put("token", token);
    return m;
  }

  /** Creates {@code file} with {@code bytes} if it does not exist, atomically; false if it exists. */
  private static boolean createNew(FileSystem fs, Path file, byte[] bytes) throws IOException {
    FileSystem raw = fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    if (raw instanceof RawLocalFileSystem rawLocal) {
      try (OutputStream out = Files.newOutputStream(rawLocal.pathToFile(file).toPath(),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(bytes);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) {
        return false;
      }
      throw e;
    }
  }

  /** The marker's holder; empty while the marker is missing, being written, or not a marker. */
  private static Optional<Holder> read(FileSystem fs, Path file) throws IOException {
    JsonNode m;
    try (InputStream in = fs.open(file)) {
      m = JSON.readTree(BoundedRead.readAtMost(in, Limits.current().jsonBytes(), FILE, "fer.limits.json-bytes"));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (e instanceof BoundedRead.TooLargeException || e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        return Optional.empty();
      }
      throw e;
    }
    if (m == null || !m.hasNonNull("host") || !m.hasNonNull("pid") || !m.hasNonNull("token")) {
      return Optional.empty();
    }
    return Optional.of(new Holder(m.path("job").asText("?"), m.get("host").asText(), m.get("pid").asLong(),
        m.path("started").asText("?"), m.get("token").asText()));
  }

  /**
   * Moves a stale marker aside and checks it was the one judged stale; a marker that changed meanwhile (another
   * run took over first) is put back. True when the path is free for a new claim.
   */
  private static boolean takeOver(FileSystem fs, Path file, Holder stale, String token) throws IOException {
    Path aside = new Path(file.getParent(), FILE + "." + token + ".stale");
    if (!fs.rename(file, aside)) {
      return false;
    }
    Optional<Holder> moved = read(fs, aside);
    if (moved.isPresent() && !stale.token().equals(moved.get().token())) {
      fs.rename(aside, file);
      return false;
    }
    fs.delete(aside, false);
    return true;
  }

  /** A moment for a marker being written by another run to be complete. */
  private static void pause() throws IOException {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while claiming the output");
    }
  }

  static String hostName() {
    return HostName.NAME;
  }

  private static final class HostName {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "unknown-host" : env;
      }
    }
  }
}
