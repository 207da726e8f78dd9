package org.ferspark.preprocessing.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.ferspark.preprocessing.dataset.Outcome;

/**
 * The rejects list, written in the same pass as the tensors: each task attempt that meets a reject writes its own
 * JSON-lines file under {@value #TMP_DIR} ({@code {"source","id","reason","detail"}} per line, as Spark's JSON
 * writer wrote them); after the job the driver moves the file of each partition's counted attempt to
 * {@code rejects/part-NNNNN.json} and drops the rest (attempts that failed or lost the commit).
 */
final class RejectsOutput {
  static final String TMP_DIR = "_rejects.tmp";
  private static final JsonFactory JSON = new JsonFactory();

  private RejectsOutput() {}

  /** One task attempt's rejects file, created on the first reject. */
  static final class Writer implements AutoCloseable {
    private final Path file;
    private final Configuration conf;
    private OutputStream out;
    private JsonGenerator json;
    private boolean closed;

    Writer(String output, int partition, long attempt, Configuration conf) {
      this.file = new Path(new Path(output, TMP_DIR), String.format("part-%05d-%d.json", partition, attempt));
      this.conf = conf;
    }

    void write(Outcome reject) throws IOException {
      if (json == null) {
        out = file.getFileSystem(conf).create(file, true);
        json = JSON.createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(null);
      }
      json.writeStartObject();
      json.writeStringField("source", reject.source());
      json.writeStringField("id", reject.id());
      json.writeStringField("reason", reject.reason());
      if (reject.detail() != null) {
        json.writeStringField("detail", reject.detail());
      }
      json.writeEndObject();
      json.writeRaw('\n');
    }

    /** The file written, or null when there was no reject. */
    String path() {
      return json == null ? null : file.toString();
    }

    @Override
    public void close() throws IOException {
      if (json != null && !closed) {
        closed = true;
        json.close();
        out.close();
      }
    }
  }

  /** Moves the counted attempts' files into {@code rejects/} (an empty part file if there is none). */
  static void commit(String output, Collection<PartitionStats> partitions, Configuration hadoop) throws IOException {
    Path dir = new Path(output, TensorSchema.REJECTS_DIR);
    FileSystem fs = dir.getFileSystem(hadoop);
    fs.mkdirs(dir);
    boolean any = false;
    for (PartitionStats p : partitions) {
      if (p.rejectsFile != null) {
        Path target = new Path(dir, String.format("part-%05d.json", p.partition));
        if (!fs.rename(new Path(p.rejectsFile), target)) {
          throw new IOException("could not move " + p.rejectsFile + " to " + target);
        }
        any = true;
      }
    }
    if (!any) {
      fs.create(new Path(dir, "part-00000.json"), true).close();
    }
    fs.delete(new Path(output, TMP_DIR), true);
  }
}
