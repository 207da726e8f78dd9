package org.ferspark.preprocessing.spark;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.ferspark.preprocessing.config.PreprocessSettings;

/**
 * The tensor files, written in the pass that makes them: each task attempt writes one Parquet file per split it
 * meets, with Spark's own {@link ParquetWriteSupport} (so the files are what Spark's writer makes: the same schema,
 * footer metadata and encodings), straight from the tensor rows, without Spark SQL's writer around it (a projection
 * and a copy of every row, a partition-value lookup per row). The files go under {@value #TMP_DIR}; after the job the
 * driver moves the files of each partition's counted attempt to {@code tensors/split=<split>/}, drops the rest
 * (attempts that failed or lost to another attempt, see {@link RunStats}) and writes {@code _SUCCESS}.
 */
final class TensorOutput {
  static final String TMP_DIR = "_attempts";
  private static final String SUCCESS = "_SUCCESS";

  private TensorOutput() {}

  /** The Parquet writers of one task attempt, one per split, opened on the split's first row. */
  static final class Writers implements AutoCloseable {
    private final Configuration conf;
    private final Path dir;
    private final CompressionCodecName codec;
    private final Map<String, ParquetWriter<InternalRow>> bySplit = new LinkedHashMap<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private boolean closed;

    Writers(PreprocessSettings settings, int partition, long attempt, Configuration hadoop) {
      this.conf = writeConf(hadoop);
      this.codec = codec(settings.compression());
      this.dir = new Path(new Path(new Path(settings.output(), TensorSchema.TENSORS_DIR), TMP_DIR),
          String.format("%05d-%d", partition, attempt));
    }

    /** Writes a tensor row ({@link TensorSchema#TENSOR_FILE} columns) to its split's file. */
    void write(String split, InternalRow row) throws IOException {
      ParquetWriter<InternalRow> writer = bySplit.get(split);
      if (writer == null) {
        Path file = new Path(dir, split + codec.getExtension() + ".parquet");
        writer = new Builder(HadoopOutputFile.fromPath(file, conf))
            .withConf(conf)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(codec)
            .withRowGroupSize(16L << 20)
            // no dictionary for columns whose values are (nearly) all distinct; label_name keeps its 7 entries
            .withDictionaryEncoding(true)
            .withDictionaryEncoding("pixels", false)
            .withDictionaryEncoding("id", false)
            .withDictionaryEncoding("source", false)
            .withDictionaryEncoding("augmentation", false)
            .build();
        bySplit.put(split, writer);
        files.put(split, file.toString());
      }
      writer.write(row);
    }

    /** split → the file written, once closed. */
    Map<String, String> files() {
      return files;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      IOException first = null;
      for (ParquetWriter<InternalRow> w : bySplit.values()) {
        try {
          w.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  /** Spark's settings for its Parquet write support (as its writer sets them by default) and the zstd level. */
  private static Configuration writeConf(Configuration hadoop) {
    Configuration conf = new Configuration(hadoop);
    ParquetWriteSupport.setSchema(TensorSchema.TENSOR_FILE, conf);
    conf.set("spark.sql.parquet.writeLegacyFormat", "false");
    conf.set("spark.sql.parquet.outputTimestampType", "INT96");
    conf.set("spark.sql.parquet.fieldId.write.enabled", "true");
    // file: outputs through Hadoop's raw local file system, not the checksummed one: no CRC over every byte written
    // and no .crc file beside each Parquet file (readers do not need one; bench/RESULTS.md, issue 19)
    conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    // zstd's fast mode: face pixels do not compress (ratio 1.000 at levels 3, 1 and -1 on FER2013 faces), and
    // level -1 runs about 5x faster than the default 3 on them (bench/RESULTS.md, issue 19); other codecs ignore it
    conf.set("parquet.compression.codec.zstd.level", "-1");
    return conf;
  }

  /** The codec of {@code fer.preprocess.compression}, named as Spark's Parquet writer names them. */
  static CompressionCodecName codec(String compression) {
    return switch (compression.toLowerCase(Locale.ROOT)) {
      case "none", "uncompressed" -> CompressionCodecName.UNCOMPRESSED;
      default -> CompressionCodecName.valueOf(compression.toUpperCase(Locale.ROOT));
    };
  }

  private static final class Builder extends ParquetWriter.Builder<InternalRow, Builder> {
    Builder(org.apache.parquet.io.OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<InternalRow> getWriteSupport(Configuration conf) {
      return new ParquetWriteSupport();
    }
  }

  /** Moves the counted attempts' files to {@code tensors/split=<split>/part-NNNNN...}, then writes _SUCCESS. */
  static void commit(String output, Collection<PartitionStats> partitions, Configuration hadoop) throws IOException {
    Path tensors = new Path(output, TensorSchema.TENSORS_DIR);
    FileSystem fs = tensors.getFileSystem(hadoop);
    fs.mkdirs(tensors);
    for (PartitionStats p : partitions) {
      for (Map.Entry<String, String> e : p.tensorFiles.entrySet()) {
        Path from = new Path(e.getValue());
        Path splitDir = new Path(tensors, "split=" + e.getKey());
        fs.mkdirs(splitDir);
        String name = from.getName();
        Path to = new Path(splitDir, String.format("part-%05d", p.partition) + name.substring(name.indexOf('.')));
        if (!fs.rename(from, to)) {
          throw new IOException("could not move " + from + " to " + to);
        }
      }
    }
    fs.delete(new Path(tensors, TMP_DIR), true);
    fs.create(new Path(tensors, SUCCESS), true).close();
  }
}
