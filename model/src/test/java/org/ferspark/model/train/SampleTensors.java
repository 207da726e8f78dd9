package org.ferspark.model.train;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.preprocessing.dataset.Emotion;

/**
 * Writes a preprocessed dataset in the preprocessing job's layout (Parquet tensors per split + manifest.json) from
 * the JPEGs of {@code data/sample} (already 48×48 gray), without Spark, for model tests.
 */
public final class SampleTensors {
  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message spark_schema { required binary id "
      + "(STRING); required binary source (STRING); required int32 label; required binary pixels; }");

  private SampleTensors() {
  }

  /** The repository's data/sample folder. */
  public static Path sampleDir() {
    return Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample");
  }

  /** Writes {@code data/sample} as tensors under {@code out}; returns {@code out}. */
  public static Path write(Path out) throws IOException {
    return write(out, 1, 48, false);
  }

  /**
   * @param schemaVersion written into the manifest
   * @param shape the manifest's tensor side
   * @param imbalanced keep only (c + 1) / 7 of class c's training images (imbalance tests)
   */
  public static Path write(Path out, int schemaVersion, int shape, boolean imbalanced) throws IOException {
    List<String> labels = Emotion.labelNames(7);
    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    for (String split : List.of("train", "validation", "test")) {
      List<Object[]> rows = new ArrayList<>();
      Map<String, Long> byClass = new LinkedHashMap<>();
      for (int c = 0; c < labels.size(); c++) {
        List<Path> files;
        try (Stream<Path> s = Files.list(sampleDir().resolve(split).resolve(labels.get(c)))) {
          files = s.sorted().toList();
        }
        int keep = split.equals("train") && imbalanced ? Math.max(2, files.size() * (c + 1) / 7) : files.size();
        for (Path f : files.subList(0, keep)) {
          rows.add(new Object[] {f.getFileName().toString(), c, gray48(f)});
        }
        byClass.put(labels.get(c), (long) keep);
      }
      counts.put(split, byClass);
      writeSplit(out.resolve("tensors/split=" + split + "/part-00000.parquet"), rows);
    }
    writeManifest(out, schemaVersion, shape, labels, counts);
    return out;
  }

  static byte[] gray48(Path jpeg) {
    try (Mat m = imread(jpeg.toString(), IMREAD_GRAYSCALE)) {
      if (m.rows() != 48 || m.cols() != 48 || !m.isContinuous()) {
        throw new IllegalStateException(jpeg + " is not a 48x48 image");
      }
      byte[] px = new byte[48 * 48];
      m.data().get(px);
      return px;
    }
  }

  static void writeSplit(Path file, List<Object[]> rows) throws IOException {
    Files.createDirectories(file.getParent());
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withType(SCHEMA).withConf(new Configuration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
        .build()) {
      for (Object[] r : rows) {
        w.write(groups.newGroup().append("id", (String) r[0]).append("source", "sample")
            .append("label", (Integer) r[1]).append("pixels", Binary.fromConstantByteArray((byte[]) r[2])));
      }
    }
  }

  static void writeManifest(Path out, int schemaVersion, int shape, List<String> labels,
      Map<String, Map<String, Long>> counts) throws IOException {
    StringBuilder splits = new StringBuilder();
    for (var e : counts.entrySet()) {
      long total = e.getValue().values().stream().mapToLong(Long::longValue).sum();
      StringBuilder byClass = new StringBuilder();
      e.getValue().forEach((k, v) -> byClass.append(byClass.length() == 0 ? "" : ",").append('"').append(k)
          .append("\":").append(v));
      splits.append(splits.length() == 0 ? "" : ",").append('"').append(e.getKey()).append("\":{\"total\":")
          .append(total).append(",\"byClass\":{").append(byClass).append("},\"originalByClass\":{").append(byClass)
          .append("}}");
    }
    String json = "{\"schemaVersion\":" + schemaVersion + ",\"fingerprint\":\"test-sample\",\"labels\":["
        + String.join(",", labels.stream().map(l -> '"' + l + '"').toList()) + "],\"tensor\":{\"shape\":[" + shape
        + "," + shape + "]},\"splits\":{" + splits + "}}";
    Files.writeString(out.resolve("manifest.json"), json);
  }
}
