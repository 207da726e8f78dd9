package org.ferspark.model.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * One split of a preprocessed dataset in memory, read without Spark: raw {@code uint8} faces and integer labels
 * (FER2013's training split is 28,709 × 2,304 B ≈ 66 MB). Used by the single-JVM training path and for validation.
 *
 * <p>Reads only the {@code label} and {@code pixels} columns of {@code <data>/tensors/split=<split>/*.parquet}
 * with parquet-hadoop (any Hadoop path). Pixels stay bytes until a batch is built ({@link Batches}).
 */
public final class TensorDataset {
  private final byte[][] pixels;
  private final int[] labels;
  private final int classes;

  public TensorDataset(byte[][] pixels, int[] labels, int classes) {
    if (pixels.length != labels.length) {
      throw new IllegalArgumentException(pixels.length + " images but " + labels.length + " labels");
    }
    this.pixels = pixels;
    this.labels = labels;
    this.classes = classes;
  }

  /** Reads {@code split}; its files must exist and hold at least one row of {@code manifest}'s shape. */
  public static TensorDataset read(String data, String split, DatasetManifest manifest, Configuration hadoop) {
    Path dir = new Path(new Path(data, "tensors"), "split=" + split);
    List<byte[]> px = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    int expected = manifest.height() * manifest.width();
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      FileStatus[] files;
      try {
        files = fs.listStatus(dir, p -> p.getName().endsWith(".parquet"));
      } catch (FileNotFoundException e) {
        throw new InputError("split '" + split + "' is missing: no directory " + dir);
      }
      Arrays.sort(files);
      for (FileStatus f : files) {
        readFile(f.getPath(), hadoop, expected, manifest.classes(), px, ys);
      }
    } catch (IOException e) {
      throw new InputError("cannot read split '" + split + "' under " + dir + ": " + e.getMessage());
    }
    if (px.isEmpty()) {
      throw new InputError("split '" + split + "' is empty: no rows in " + dir);
    }
    return new TensorDataset(px.toArray(new byte[0][]), ys.stream().mapToInt(Integer::intValue).toArray(),
        manifest.classes());
  }

  private static void readFile(Path file, Configuration hadoop, int expected, int classes, List<byte[]> px,
      List<Integer> ys) throws IOException {
    MessageType schema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      schema = footer.getFooter().getFileMetaData().getSchema();
    }
    if (!schema.containsField("label") || !schema.containsField("pixels")) {
      throw new InputError(file + " has no label/pixels columns: not a fer-spark tensor file (schema " + schema + ")");
    }
    MessageType projection = new MessageType(schema.getName(), schema.getType("label"), schema.getType("pixels"));
    Configuration conf = new Configuration(hadoop);
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        int label = g.getInteger("label", 0);
        byte[] bytes = g.getBinary("pixels", 0).getBytes();
        if (bytes.length != expected) {
          throw new InputError(file + ": a face of " + bytes.length + " bytes, but the manifest's tensor shape "
              + "says " + expected);
        }
        if (label < 0 || label >= classes) {
          throw new InputError(file + ": label " + label + " outside the manifest's " + classes + " classes");
        }
        px.add(bytes);
        ys.add(label);
      }
    }
  }

  public int size() {
    return labels.length;
  }

  public int classes() {
    return classes;
  }

  /** The raw face {@code i}, not copied. */
  public byte[] pixels(int i) {
    return pixels[i];
  }

  public int label(int i) {
    return labels[i];
  }

  /** All labels, not copied. */
  public int[] labels() {
    return labels;
  }

  /** Images per class. */
  public long[] classCounts() {
    long[] counts = new long[classes];
    for (int y : labels) {
      counts[y]++;
    }
    return counts;
  }
}
