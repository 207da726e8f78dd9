package org.ferspark.preprocessing.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputPlanner;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.ferspark.preprocessing.dataset.Splits;

/**
 * Turns an {@link InputPlan} into a distributed collection of input records, each with its fingerprint hash: label
 * folders are listed on the executors ({@code file:} folders with {@link LocalListing}), CSV files are read and parsed
 * on the executors, line by line, so line numbers need no extra pass. A label folder whose inputs need a split is
 * listed whole by one task (all folders of its label), which ranks them there ({@link ClassRanks}); every other folder
 * gets a task of its own. AffectNet's CSVs are read whole by one task, or by one per core when they are small
 * ({@link #csvCopies}), which rejects repeated ids ({@link Duplicates}) and ranks the training rows; FER2013 CSVs get
 * a task per file. Used by preprocessing and by the evaluation of a photo folder ({@link #of}).
 */
public final class InputListing {
  private InputListing() {}

  /**
   * The input records of {@code plan} as a table of {@link TensorSchema#INPUT} rows, listed as preprocessing lists
   * them but without splits assigned: for other jobs that read a folder-per-class input (the evaluation of a photo
   * folder). {@link #record} reads a row back on an executor.
   */
  public static Dataset<Row> of(SparkSession spark, InputPlan plan, Configuration hadoop) {
    JavaRDD<InternalRow> rows = rows(spark, plan, new SerializableHadoopConf(hadoop), 0L, Map.of(), 1)
        .map(ListedInput::toRow);
    return spark.internalCreateDataFrame(rows.rdd(), TensorSchema.INPUT, false);
  }

  /** The input record of one row of {@link #of}. */
  public static InputRecord record(Row row) {
    return TensorSchema.fromRow(row);
  }

  /**
   * @param csvCopies for CSVs read by one task ({@link #ranksInTheListing}): how many tasks read them whole, each
   *     keeping every {@code csvCopies}-th row (see {@link #csvCopies}); 1 otherwise
   */
  static JavaRDD<ListedInput> rows(SparkSession spark, InputPlan plan, SerializableHadoopConf conf, long seed,
      Map<String, Map<String, Double>> poolRatios, int csvCopies) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return plan instanceof InputPlan.Folder folder
        ? folder(jsc, folder, conf, seed, poolRatios)
        : csv(jsc, (InputPlan.Csv) plan, conf, seed, poolRatios, csvCopies);
  }

  /** The most CSV bytes all copies together may read ({@link #csvCopies}): a bound on the parsing they repeat. */
  static final long CSV_COPIES_BYTES = 64L << 20;

  /**
   * How many tasks read CSVs that one task must see whole (AffectNet: repeated ids, ranks by class): one per core
   * when all of them together read at most {@value #CSV_COPIES_BYTES} bytes, so the rows are processed where they are
   * read, spread over the cores without a shuffle (each copy ranks every row and keeps every n-th: the same splits
   * as one task); otherwise one, and the rows are shuffled to the cores ({@link SplitAssigner}). {@code csvBytes}
   * is the CSVs' total size; {@code partitions} the requested number of processing partitions (0: not set).
   */
  static int csvCopies(InputPlan plan, int cores, long csvBytes, int partitions) {
    if (!(plan instanceof InputPlan.Csv csv) || !ranksInTheListing(csv) || partitions > 0) {
      return 1;
    }
    return cores > 1 && (long) cores * csvBytes <= CSV_COPIES_BYTES ? cores : 1;
  }

  /** The label folders listed by each task: one folder, or all folders of a label whose inputs need a split. */
  static List<List<InputPlan.LabelDir>> listingTasks(List<InputPlan.LabelDir> dirs) {
    Map<Integer, List<InputPlan.LabelDir>> ranked = new TreeMap<>();
    List<List<InputPlan.LabelDir>> tasks = new ArrayList<>();
    for (InputPlan.LabelDir dir : dirs) {
      if (dir.split() == null && dir.label() >= 0) {
        ranked.computeIfAbsent(dir.label(), l -> new ArrayList<>()).add(dir);
      } else {
        tasks.add(List.of(dir));
      }
    }
    tasks.addAll(ranked.values());
    return tasks;
  }

  /** Lists (and ranks) on the executors. */
  private static JavaRDD<ListedInput> folder(JavaSparkContext jsc, InputPlan.Folder folder, SerializableHadoopConf conf,
      long seed, Map<String, Map<String, Double>> poolRatios) {
    String root = folder.root();
    List<List<InputPlan.LabelDir>> tasks = listingTasks(folder.dirs());
    List<Integer> indexes = java.util.stream.IntStream.range(0, tasks.size()).boxed().toList();
    JavaRDD<ListedInput> listed = jsc.parallelize(indexes, Math.max(1, tasks.size())).flatMap(i -> {
      List<InputPlan.LabelDir> dirs = tasks.get(i);
      if (dirs.get(0).split() != null || dirs.get(0).label() < 0) {
        return new MappingIterator(list(root, dirs.get(0), conf)); // nothing to rank: stream it
      }
      List<InputRecord> all = new ArrayList<>();
      for (InputPlan.LabelDir dir : dirs) {
        list(root, dir, conf).forEachRemaining(all::add);
      }
      long[] fingerprints = all.stream().mapToLong(TensorSchema::fingerprint).toArray(); // of the records as listed
      List<InputRecord> ranked = ClassRanks.assign(all, seed, poolRatios);
      // split by split (one pass over the list per split), so each split's Parquet file is written in one run
      return java.util.stream.IntStream.rangeClosed(0, Splits.ALL.size())
          .flatMap(order -> java.util.stream.IntStream.range(0, ranked.size())
              .filter(k -> splitOrder(ranked.get(k).split()) == order))
          .mapToObj(k -> new ListedInput(ranked.get(k), fingerprints[k])).iterator();
    });
    if (folder.strayFiles().isEmpty()) {
      return listed;
    }
    List<InputRecord> stray = folder.strayFiles(); // in the closure: Java serialisation, not Kryo
    return listed.union(jsc.parallelize(List.of(0), 1).flatMap(unused -> new MappingIterator(stray.iterator())));
  }

  private static int splitOrder(String split) {
    int i = split == null ? -1 : Splits.ALL.indexOf(split);
    return i < 0 ? Splits.ALL.size() : i;
  }

  private static Iterator<InputRecord> list(String root, InputPlan.LabelDir dir, SerializableHadoopConf conf)
      throws IOException {
    return InputFiles.localPath(dir.path()) != null ? LocalListing.list(root, dir) : listDir(root, dir, conf);
  }

  /** Pairs input records with their fingerprints, lazily. */
  private record MappingIterator(Iterator<InputRecord> records) implements Iterator<ListedInput> {
    @Override
    public boolean hasNext() {
      return records.hasNext();
    }

    @Override
    public ListedInput next() {
      InputRecord r = records.next();
      return new ListedInput(r, TensorSchema.fingerprint(r));
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
  static Iterator<InputRecord> listDir(String root, InputPlan.LabelDir dir, SerializableHadoopConf conf)
      throws IOException {
    Path rootPath = new Path(root);
    Path dirPath = new Path(dir.path());
    FileSystem fs = dirPath.getFileSystem(conf.get());
    boolean local = "file".equals(fs.getUri().getScheme());
    Deque<RemoteIterator<FileStatus>> stack = new ArrayDeque<>();
    stack.push(fs.listStatusIterator(dirPath));
    return new Lookahead<InputRecord>() {
      @Override
      protected InputRecord advance() {
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
            return leaf(dir, id, path, file.getLen());
          }
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException("listing " + dirPath + " failed", e);
        }
      }

    }.start();
  }

  /** A file of label folder {@code dir}: rejected with the folder's reason, or an image of its label and split. */
  static InputRecord leaf(InputPlan.LabelDir dir, String id, String source, long size) {
    if (dir.label() < 0) {
      return InputRecord.rejected(id, source, dir.rejectReason(), dir.rejectDetail());
    }
    return InputRecord.image(id, source, dir.label(), dir.split(), dir.split() == null ? "default" : null, null, size);
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

  /**
   * One task per CSV file reads it line by line (as Hadoop's text input does: LF, CR or CRLF ends a line; UTF-8) and
   * parses each data line with its 1-based line number; blank lines are skipped but counted.
   */
  private static JavaRDD<ListedInput> csv(JavaSparkContext jsc, InputPlan.Csv csv, SerializableHadoopConf conf,
      long seed, Map<String, Map<String, Double>> poolRatios, int copies) {
    List<InputPlan.CsvFile> files = csv.files();
    if (ranksInTheListing(csv)) {
      List<Integer> copyIndexes = java.util.stream.IntStream.range(0, copies).boxed().toList();
      return jsc.parallelize(copyIndexes, copies).flatMap(copy -> {
        List<InputRecord> all = new ArrayList<>();
        for (InputPlan.CsvFile file : files) {
          csvRecords(file, conf).forEachRemaining(all::add);
        }
        List<InputRecord> ranked = ClassRanks.assign(Duplicates.reject(all), seed, poolRatios);
        // this copy's share: every copies-th row, with the fingerprint of the row as read
        return java.util.stream.IntStream.range(0, ranked.size()).filter(k -> k % copies == copy)
            .mapToObj(k -> new ListedInput(ranked.get(k), TensorSchema.fingerprint(all.get(k)))).iterator();
      });
    }
    List<Integer> indexes = java.util.stream.IntStream.range(0, files.size()).boxed().toList();
    return jsc.parallelize(indexes, files.size())
        .flatMap(i -> new MappingIterator(csvRecords(files.get(i), conf)));
  }

  /**
   * Whether the CSV rows are read by one task, which checks repeated ids and ranks the splits itself: AffectNet's
   * rows (a path, a box and a label: small). FER2013's rows carry their pixels as text (8 KB each), so its files are
   * streamed, one task each, and ranked by {@link SplitAssigner}'s windows.
   */
  static boolean ranksInTheListing(InputPlan.Csv csv) {
    return !csv.format().equals("fer2013-csv");
  }

  private static Iterator<InputRecord> csvRecords(InputPlan.CsvFile file, SerializableHadoopConf conf)
      throws IOException {
    Path path = new Path(file.path());
    FileSystem fs = path.getFileSystem(conf.get());
    InputStream raw = fs.open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf.get()).getCodec(path);
    BufferedReader reader = new BufferedReader(new InputStreamReader(
        codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8), 1 << 16);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener(ctx -> {
        try {
          reader.close();
        } catch (IOException e) {
          // closing a file that was read: nothing left to report
        }
      });
    }
    return new Lookahead<InputRecord>() {
      private long lineNumber;

      @Override
      protected InputRecord advance() {
        try {
          String line;
          while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (lineNumber > 1 && !line.isBlank()) {
              return file.parser().parse(line, lineNumber);
            }
          }
          reader.close();
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException("reading " + path + " failed at line " + (lineNumber + 1), e);
        }
      }

    }.start();
  }
}
