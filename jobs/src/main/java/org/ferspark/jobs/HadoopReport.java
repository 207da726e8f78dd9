package org.ferspark.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.ferspark.evaluation.report.HtmlReport;
import org.ferspark.evaluation.spark.Predictions;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * An evaluation report on a Hadoop path ({@code --report hdfs://...}, {@code s3a://...}): the report is written to a
 * local staging folder as usual, then copied file by file, each under a temporary name ({@code .NAME.tmp}) renamed
 * into place, {@code index.html} last, so a report folder holding {@code index.html} is complete.
 */
final class HadoopReport {
  private HadoopReport() {
  }

  /** A location with a scheme other than {@code file:}. */
  static boolean isHadoop(String location) {
    return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") && !location.startsWith("file:");
  }

  /** Refuses a file in place of the folder, and an earlier report without {@code overwrite}. */
  static void checkTarget(String location, boolean overwrite, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(location);
    FileSystem fs = dir.getFileSystem(conf);
    if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
      throw new InputError("--report " + location + " is a file, not a directory");
    }
    List<org.apache.hadoop.fs.Path> earlier = reportFiles(fs, dir);
    if (!overwrite && !earlier.isEmpty()) {
      throw new InputError("--report " + location + " already holds an evaluation report (" + earlier.get(0)
          + "); pass --overwrite to replace it");
    }
  }

  /** Copies every file under {@code staging} to {@code location} (see the class comment). */
  static void publish(Path staging, String location, boolean overwrite, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(location);
    FileSystem fs = dir.getFileSystem(conf);
    if (overwrite) {
      for (org.apache.hadoop.fs.Path f : reportFiles(fs, dir)) {
        if (!f.getName().equals(Predictions.FILE)) { // written by this run's executors, in place
          fs.delete(f, false);
        }
      }
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(staging)) {
      files = walk.filter(Files::isRegularFile)
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString().equals(HtmlReport.INDEX))
              .thenComparing(Path::toString))
          .toList();
    }
    for (Path f : files) {
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, staging.relativize(f).toString());
      org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName() + ".tmp");
      fs.mkdirs(target.getParent());
      fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()), tmp);
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    }
  }

  /** Removes an earlier run's {@code predictions.parquet} folder under {@code location}, if any. */
  static void deletePredictions(String location, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location, Predictions.FILE);
    FileSystem fs = p.getFileSystem(conf);
    if (fs.exists(p)) {
      fs.delete(p, true);
    }
  }

  /** This job's files in {@code dir} and its immediate subfolders. */
  static List<org.apache.hadoop.fs.Path> reportFiles(FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
    List<org.apache.hadoop.fs.Path> found = new ArrayList<>();
    if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
      return found;
    }
    List<org.apache.hadoop.fs.Path> dirs = new ArrayList<>(List.of(dir));
    for (FileStatus s : fs.listStatus(dir)) {
      if (s.isDirectory()) {
        dirs.add(s.getPath());
      }
    }
    for (org.apache.hadoop.fs.Path d : dirs) {
      for (String name : EvaluateJob.REPORT_FILES) {
        org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(d, name);
        if (fs.exists(f)) {
          found.add(f);
        }
      }
    }
    return found;
  }
}
