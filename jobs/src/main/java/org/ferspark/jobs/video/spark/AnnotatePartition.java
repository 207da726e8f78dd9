package org.ferspark.jobs.video.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ferspark.jobs.video.Annotator;
import org.ferspark.jobs.video.Sampling;
import org.ferspark.jobs.video.VideoListing;
import org.ferspark.jobs.video.VideoProbe;
import org.ferspark.jobs.video.VideoSettings;
import org.ferspark.jobs.video.VideoStatus;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.spark.SerializableHadoopConf;
import org.ferspark.realtime.overlay.LabelledFace;

/**
 * {@code --annotate}: one annotated MP4 per decodable video, written by the task that holds its faces, sorted by
 * frame ({@link Annotator}). A marker row per video (frame −1) makes videos without faces get one too.
 */
final class AnnotatePartition implements MapPartitionsFunction<Row, String> {
  private static final long serialVersionUID = 1L;
  private final String outDir;
  private final double sampleFps;
  private final int bitrate;
  private final SerializableHadoopConf conf;
  private final List<String> classNames;

  private AnnotatePartition(String outDir, List<String> classNames, double sampleFps, int bitrate,
      SerializableHadoopConf conf) {
    this.outDir = outDir;
    this.classNames = new ArrayList<>(classNames);
    this.sampleFps = sampleFps;
    this.bitrate = bitrate;
    this.conf = conf;
  }

  /** Writes {@code OUT/annotated/<video id>.mp4} for every video that decoded; the number written. */
  static long run(SparkSession spark, Dataset<Row> faces, List<Row> videos, Map<String, VideoProbe.Info> probes,
      List<String> classes, VideoSettings s, Path out, SerializableHadoopConf conf) {
    List<Row> markers = new ArrayList<>();
    for (Row v : videos) {
      if (!VideoStatus.UNREADABLE.equals(v.getString(2))) {
        markers.add(RowFactory.create(v.getString(0), -1L, 0, 0, 0, 0, 0, -1, 0f, VideoPipeline.rate(
            probes.get(v.getString(0)))));
      }
    }
    if (markers.isEmpty()) {
      return 0;
    }
    StructType schema = new StructType().add("video", DataTypes.StringType).add("frame", DataTypes.LongType)
        .add("track", DataTypes.IntegerType).add("x", DataTypes.IntegerType).add("y", DataTypes.IntegerType)
        .add("width", DataTypes.IntegerType).add("height", DataTypes.IntegerType)
        .add("label_index", DataTypes.IntegerType).add("label_probability", DataTypes.FloatType)
        .add("rate", DataTypes.DoubleType);
    Dataset<Row> marks = faces.select(col("video"), col("frame"), col("track"), col("x"), col("y"), col("width"),
        col("height"), col("label_index"), col("label_probability"), lit(0.0).as("rate"))
        .union(spark.createDataFrame(markers, schema));
    String dir = new Path(out, VideoPipeline.ANNOTATED).toString();
    List<String> written = marks.repartition(Math.max(1, markers.size()), col("video"))
        .sortWithinPartitions("video", "frame")
        .mapPartitions(new AnnotatePartition(dir, classes, s.fps(), s.annotateBitrate(), conf), Encoders.STRING()).collectAsList();
    return written.size();
  }

  @Override
  public Iterator<String> call(Iterator<Row> rows) throws Exception {
    List<String> done = new ArrayList<>();
    forEachVideo(rows, (video, rate, faces) -> {
      Iterator<Annotator.Mark> marks = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return faces.hasNext();
        }

        @Override
        public Annotator.Mark next() {
          Row r = faces.next();
          return new Annotator.Mark(r.getLong(1), new LabelledFace(r.getInt(2), new FaceBox(r.getInt(3), r.getInt(4),
              r.getInt(5), r.getInt(6)), classNames.get(r.getInt(7)), r.getFloat(8)));
        }
      };
      Annotator.write(video, marks, new Sampling(rate, sampleFps), new Path(outDir, VideoListing.id(video) + ".mp4")
          .toString(), bitrate, conf.get());
      done.add(video);
    });
    return done.iterator();
  }

  /** One video's rows: its id, its frame rate (from its marker row) and its face rows in frame order. */
  @FunctionalInterface
  interface VideoConsumer {
    void accept(String video, double rate, Iterator<Row> faces) throws Exception;
  }

  /**
   * Splits rows sorted by (video, frame) into one call per video, marker rows (frame −1) taken as the video's rate;
   * a video whose consumer leaves faces unread still hands the next video its first row, and a consumer may ask
   * {@code hasNext} again after the end (every video of the partition is seen exactly once).
   */
  static void forEachVideo(Iterator<Row> rows, VideoConsumer consumer) throws Exception {
    Row head = rows.hasNext() ? rows.next() : null;
    while (head != null) {
      String video = head.getString(0);
      double rate = head.getLong(1) < 0 ? head.getDouble(9) : VideoPipeline.FALLBACK_RATE;
      Row[] next = {head.getLong(1) < 0 ? null : head};
      Row[] other = {null};
      boolean[] ended = {false};
      Iterator<Row> faces = new Iterator<>() {
        @Override
        public boolean hasNext() {
          while (next[0] == null && !ended[0] && rows.hasNext()) {
            Row r = rows.next();
            if (!r.getString(0).equals(video)) {
              other[0] = r;
              ended[0] = true;
            } else if (r.getLong(1) >= 0) {
              next[0] = r;
            }
          }
          return next[0] != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next[0];
          next[0] = null;
          return r;
        }
      };
      consumer.accept(video, rate, faces);
      while (faces.hasNext()) {
        faces.next();
      }
      head = other[0];
    }
  }
}
