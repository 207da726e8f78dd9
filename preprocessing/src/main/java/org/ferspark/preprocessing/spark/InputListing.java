package org.ferspark.preprocessing.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputPlanner;
import org.ferspark.preprocessing.dataset.InputRecord;

/**
 * Turns an {@link InputPlan} into a distributed table of input records: label folders are listed on the
 * executors (one task per folder), CSV files are read and parsed on the executors with their line numbers.
 * Used by preprocessing and by the evaluation of a photo folder.
 */
public final class InputListing {
  private InputListing() {}

  /** The input records of {@code plan}, one row each ({@link #record} reads one back on an executor). */
  public static Dataset<Row> of(SparkSession spark, InputPlan plan, org.apache.hadoop.conf.Configuration hadoop) {
    return of(spark, plan, new SerializableHadoopConf(hadoop));
  }

  /** The input record of one row of {@link #of}. */
  public static InputRecord record(Row row) {
    return TensorSchema.fromRow(row);
  }

  static Dataset<Row> of(SparkSession spark, InputPlan plan, SerializableHadoopConf conf) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> records = plan instanceof InputPlan.Folder folder
        ? folder(spark, folder, conf)
        : csv(jsc, (InputPlan.Csv) plan);
    return spark.createDataFrame(records, TensorSchema.INPUT);
  }

  /** Only Rows and Strings cross task boundaries (Kryo 4, Spark's optional serializer, cannot handle records). */
  private static JavaRDD<Row> folder(SparkSession spark, InputPlan.Folder folder, SerializableHadoopConf conf) {
    String root = folder.root();
    List<InputPlan.LabelDir> dirs = folder.dirs();
    List<Integer> indexes = java.util.stream.IntStream.range(0, dirs.size()).boxed().toList();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> listed = jsc.parallelize(indexes, Math.max(1, dirs.size()))
        .flatMap(i -> new MappingIterator(listDir(root, dirs.get(i), conf)));
    if (folder.strayFiles().isEmpty()) {
      return listed;
    }
    List<Row> stray = folder.strayFiles().stream().map(TensorSchema::toRow).toList();
    return listed.union(spark.createDataFrame(stray, TensorSchema.INPUT).toJavaRDD());
  }

  /** Maps input records to rows lazily. */
  private record MappingIterator(Iterator<InputRecord> records) implements Iterator<Row> {
    @Override
    public boolean hasNext() {
      return records.hasNext();
    }

    @Override
    public Row next() {
      return TensorSchema.toRow(records.next());
    }
  }

  /**
   * Lists the files below {@code dir} lazily, depth first, with {@code listStatusIterator} rather than
   * {@code listFiles(dir, true)}: the latter builds a {@code LocatedFileStatus} per file, whose constructor asks for
   * the permission, owner and group, and on the local file system without Hadoop's native library each of those
   * forks a {@code stat} process per file (measured: the listing dominated a 2,000-file job; at 1M files it is
   * hours). Only the path, length and directory flag are used here, none of which forks.
   *
   * <p>On the local file system each entry is also checked with one {@code lstat}: a FIFO, socket or device
   * (Hadoop lists it as a file, and reading it would block) and a link to a folder above it (Hadoop would descend
   * into it until the kernel's link limit, listing every image again under a new id) are rejected and counted,
   * {@value #NOT_REGULAR} and {@value #LINK_LOOP}, never read or followed.
   */
  private static Iterator<InputRecord> listDir(String root, InputPlan.LabelDir dir, SerializableHadoopConf conf)
      throws IOException {
    Path rootPath = new Path(root);
    Path dirPath = new Path(dir.path());
    FileSystem fs = dirPath.getFileSystem(conf.get());
    boolean local = "file".equals(fs.getUri().getScheme());
    Deque<RemoteIterator<FileStatus>> stack = new ArrayDeque<>();
    stack.push(fs.listStatusIterator(dirPath));
    return new Iterator<>() {
      private InputRecord next = advance();

      private InputRecord advance() {
        try {
          while (!stack.isEmpty()) {
            RemoteIterator<FileStatus> top = stack.peek();
            if (!top.hasNext()) {
              stack.pop();
              continue;
            }
            FileStatus file = top.next();
            if (hiddenBelow(dirPath, file.getPath())) {
              continue; // a hidden folder's files are hidden too: no need to descend
            }
            String id = InputPlanner.relative(rootPath, file.getPath());
            String path = file.getPath().toString();
            String[] anomaly = local ? localAnomaly(file.getPath()) : null;
            if (anomaly != null) {
              return InputRecord.rejected(id, path, anomaly[0], anomaly[1]);
            }
            if (file.isDirectory()) {
              stack.push(fs.listStatusIterator(file.getPath()));
              continue;
            }
            if (dir.label() < 0) {
              return InputRecord.rejected(id, path, dir.rejectReason(), dir.rejectDetail());
            }
            return InputRecord.image(id, path, dir.label(), dir.split(), dir.split() == null ? "default" : null,
                null, file.getLen());
          }
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException("listing " + dirPath + " failed", e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public InputRecord next() {
        InputRecord current = next;
        next = advance();
        return current;
      }
    };
  }

  static final String NOT_REGULAR = "not-a-regular-file";
  static final String LINK_LOOP = "symlink-loop";

  /** {reason, detail} for a local entry that must not be read or followed, else null. */
  static String[] localAnomaly(Path path) {
    java.nio.file.Path p = java.nio.file.Paths.get(path.toUri());
    try {
      var attrs = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink()) {
        java.nio.file.Path target;
        try {
          target = p.toRealPath();
        } catch (java.nio.file.FileSystemException e) {
          return null; // a broken or looping-by-itself link: reading it fails and is rejected as unreadable-file
        }
        if (java.nio.file.Files.isDirectory(target) && p.getParent().toRealPath().startsWith(target)) {
          return new String[] {LINK_LOOP, "link to " + target + ", a folder above it; not followed"};
        }
        attrs = java.nio.file.Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class);
      }
      if (attrs.isOther()) {
        return new String[] {NOT_REGULAR, "a FIFO, socket or device; not read"};
      }
      return null;
    } catch (IOException e) {
      return null; // gone or unreadable: the read reports it
    }
  }

  private static boolean hiddenBelow(Path dir, Path file) {
    String rel = InputPlanner.relative(dir, file);
    for (String part : rel.split("/")) {
      if (InputPlanner.isHidden(part)) {
        return true;
      }
    }
    return false;
  }

  private static JavaRDD<Row> csv(JavaSparkContext jsc, InputPlan.Csv csv) {
    List<JavaRDD<Row>> parts = new ArrayList<>();
    for (InputPlan.CsvFile file : csv.files()) {
      var parser = file.parser();
      parts.add(jsc.textFile(file.path())
          .zipWithIndex()
          .filter(t -> t._2() > 0 && !t._1().isBlank())
          .map(t -> TensorSchema.toRow(parser.parse(t._1(), t._2() + 1))));
    }
    JavaRDD<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.union(parts.get(i));
    }
    return all;
  }
}
