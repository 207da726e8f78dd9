package org.ferspark.jobs.video;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * The videos of {@code --input}, as qualified Hadoop paths in path order: a folder (every regular file under it,
 * recursively, names starting with {@code .} or {@code _} skipped: each gets a status, so a stray text file is
 * reported {@code unreadable}, not silently dropped), a glob ({@code *}, {@code ?}, {@code [..]}, <code>{..}</code>),
 * a list file (a name ending in {@code .txt} or {@code .list}: one path per line, blank lines and {@code #} comments
 * skipped, relative paths against the list's folder) or one video file.
 */
public final class VideoListing {
  private VideoListing() {
  }

  public static List<String> list(String input, Configuration conf) throws IOException {
    Path path = new Path(input);
    FileSystem fs = path.getFileSystem(conf);
    TreeSet<String> out = new TreeSet<>();
    if (input.matches(".*[*?\\[{].*")) {
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new InputError("--input " + input + ": the pattern matches nothing");
      }
      for (FileStatus m : matches) {
        String name = m.getPath().getName();
        if (!name.startsWith(".") && !name.startsWith("_")) {
          addAll(fs, m, out);
        }
      }
    } else {
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new InputError("--input " + input + ": no such file or folder");
      }
      String name = path.getName().toLowerCase(java.util.Locale.ROOT);
      if (status.isFile() && (name.endsWith(".txt") || name.endsWith(".list"))) {
        out.addAll(readList(fs, status.getPath()));
      } else {
        addAll(fs, status, out);
      }
    }
    if (out.isEmpty()) {
      throw new InputError("--input " + input + ": no files found");
    }
    return new ArrayList<>(out);
  }

  private static void addAll(FileSystem fs, FileStatus status, TreeSet<String> out) throws IOException {
    if (status.isFile()) {
      out.add(fs.makeQualified(status.getPath()).toString());
      return;
    }
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(status.getPath(), true);
    while (files.hasNext()) {
      LocatedFileStatus f = files.next();
      if (f.isFile() && !hidden(status.getPath(), f.getPath())) {
        out.add(fs.makeQualified(f.getPath()).toString());
      }
    }
  }

  /** Whether a path segment below {@code root} starts with '.' or '_' (Hadoop's hidden-file convention). */
  static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root) && !p.getName().isEmpty(); p = p.getParent()) {
      if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> readList(FileSystem fs, Path list) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(list), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        Path p = new Path(l);
        if (!p.isAbsolute() && p.toUri().getScheme() == null) {
          p = new Path(list.getParent(), l);
        }
        out.add(p.getFileSystem(fs.getConf()).makeQualified(p).toString());
      }
    }
    return out;
  }

  /** A file-system-safe, unique name for a video's own output files: its name and a hash of its full path. */
  public static String id(String video) {
    String name = new Path(video).getName().replaceAll("[^A-Za-z0-9._-]", "_");
    String hash = Integer.toHexString(video.hashCode() & 0xfffffff);
    return name + "-" + "0000000".substring(hash.length()) + hash;
  }
}
