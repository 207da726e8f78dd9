package org.ferspark.jobs.video.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.min;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.ferspark.jobs.video.RangeTask;
import org.ferspark.jobs.video.Timeline;
import org.ferspark.jobs.video.TrackJoiner;
import org.ferspark.jobs.video.VideoListing;
import org.ferspark.jobs.video.VideoProbe;
import org.ferspark.jobs.video.VideoSettings;
import org.ferspark.jobs.video.VideoStatus;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.io.BoundedRead;
import org.ferspark.preprocessing.io.Limits;
import org.ferspark.preprocessing.io.OutputClaim;
import org.ferspark.preprocessing.spark.SerializableHadoopConf;
import org.ferspark.realtime.app.FaceClassifier;

/**
 * The video job on Spark: list the inputs (driver) → probe each video (one task per video) → cut each readable
 * video into time ranges ({@link RangeTask}) → analyse every range in its own task ({@link RangePartition}) →
 * join track ids across range boundaries ({@link TrackJoiner}, driver, on the boundary frames only) → write
 * {@code faces/}, {@code videos/}, {@code timelines/}, optionally {@code annotated/} ({@link AnnotatePartition}),
 * and {@code manifest.json} last. A video that cannot be read gets a status; it never fails the job.
 */
public final class VideoPipeline {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String FACES = "faces";
  static final String VIDEOS = "videos";
  static final String TIMELINES = "timelines";
  static final String ANNOTATED = "annotated";
  static final String MANIFEST = "manifest.json";
  /** A video whose decoded frames end before this share of its declared length is truncated. */
  static final double TRUNCATED_BELOW = 0.9;
  /** Frame rate assumed for frame indexes when a container declares none. */
  static final double FALLBACK_RATE = 30;

  private VideoPipeline() {
  }

  /** What a run wrote. */
  /**
   * @param frames frames analysed (pre-roll not counted)
   * @param analysisSeconds time the range tasks spent, summed (decode, detect, track, classify, smooth)
   */
  public record Report(long inputs, Map<String, Long> byStatus, long faces, long frames, double analysisSeconds,
      Path output, Path manifest, double seconds) {
  }

  public static Report run(SparkSession spark, VideoSettings s) throws IOException {
    long t0 = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(s.output());
    List<String> videos = VideoListing.list(s.input(), hadoop);
    byte[] modelBytes = readModel(s.model(), hadoop);
    String sha = sha256(modelBytes);
    List<String> classes = checkModel(s.model(), modelBytes);
    try (OutputClaim claim = OutputClaim.acquire(out, hadoop, "analyze-videos", s.overwrite())) {
      prepareOutput(out, hadoop, s.overwrite());
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      SerializableHadoopConf conf = new SerializableHadoopConf(hadoop);
      long maxPixels = s.maxPixels();

      // 1. probe every video (one task each), as JSON strings
      List<VideoProbe.Info> probes = new ArrayList<>();
      for (String json : jsc.parallelize(videos, Math.max(1, videos.size()))
          .map(v -> JSON.writeValueAsString(VideoProbe.probe(v, conf.get(), maxPixels))).collect()) {
        probes.add(JSON.readValue(json, VideoProbe.Info.class));
      }

      // 2. ranges of every readable video
      List<RangeTask> tasks = new ArrayList<>();
      Map<String, VideoProbe.Info> byVideo = new LinkedHashMap<>();
      for (VideoProbe.Info p : probes) {
        byVideo.put(p.video, p);
        if (VideoStatus.OK.equals(p.status)) {
          tasks.addAll(RangeTask.plan(p.video, p.durationSeconds, rate(p), s.fps(), s.rangeSeconds(),
              s.prerollFrames(), p.width, p.height));
        }
      }
      Broadcast<byte[]> model = jsc.broadcast(modelBytes);
      List<String> taskJson = new ArrayList<>();
      for (RangeTask t : tasks) {
        taskJson.add(JSON.writeValueAsString(t));
      }
      JavaRDD<Row> rangeRows = jsc.parallelize(taskJson, Math.max(1, taskJson.size()))
          .mapPartitions(new RangePartition(s, model, sha, conf));
      Dataset<Row> ranges = spark.createDataFrame(rangeRows, VideoRows.RANGE).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        List<Row> rangeStats = ranges.drop("faces").collectAsList();
        Dataset<Row> faces = ranges.select(col("video"), col("range"), explode(col("faces")).as("f"))
            .select(col("video"), col("range"), col("f.*"));

        // 3. join tracks across range boundaries
        Dataset<Row> ids = trackIds(spark, faces, tasks, s.joinMinIou());
        Dataset<Row> joined = faces.filter(col("preroll").equalTo(false))
            .join(org.apache.spark.sql.functions.broadcast(ids), new String[] {"video", "range", "local_track"})
            .select(faceColumns(classes));
        joined.write().mode(SaveMode.Overwrite).parquet(new Path(out, FACES).toString());
        Dataset<Row> written = spark.read().parquet(new Path(out, FACES).toString());

        // 4. one row per video
        Map<String, long[]> counts = new HashMap<>();
        for (Row r : written.groupBy("video").agg(org.apache.spark.sql.functions.count("*").as("n"),
            org.apache.spark.sql.functions.countDistinct("track").as("t")).collectAsList()) {
          counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
        }
        List<Row> videoRows = new ArrayList<>();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        VideoStatus.ALL.forEach(st -> byStatus.put(st, 0L));
        Map<String, Double> durations = new HashMap<>();
        for (VideoProbe.Info p : probes) {
          Row v = videoRow(p, rangeStats, counts.getOrDefault(p.video, new long[2]));
          videoRows.add(v);
          byStatus.merge(v.getString(2), 1L, Long::sum);
          durations.put(p.video, v.getDouble(4));
        }
        spark.createDataFrame(videoRows, VideoRows.VIDEO).coalesce(1).write().mode(SaveMode.Overwrite)
            .parquet(new Path(out, VIDEOS).toString());

        // 5. timelines, 6. annotated videos
        writeTimelines(spark, written, durations, classes, s, out, hadoop);
        long annotated = 0;
        if (s.annotate()) {
          annotated = AnnotatePartition.run(spark, written, videoRows, byVideo, classes, s, out, conf);
        }

        long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
        if (total != videos.size()) {
          throw new IllegalStateException("inputs " + videos.size() + " != statuses " + byStatus);
        }
        long faceRows = counts.values().stream().mapToLong(c -> c[0]).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path manifest = writeManifest(out, hadoop, s, videos.size(), byStatus, faceRows, tasks.size(), annotated,
            sha, classes, seconds);
        long frames = rangeStats.stream().mapToLong(r -> r.getLong(4)).sum();
        double analysis = rangeStats.stream().mapToDouble(r -> r.getDouble(10)).sum();
        return new Report(videos.size(), byStatus, faceRows, frames, analysis, out, manifest, seconds);
      } finally {
        ranges.unpersist();
        model.destroy();
      }
    }
  }

  static double rate(VideoProbe.Info p) {
    return p.frameRate > 0 ? p.frameRate : FALLBACK_RATE;
  }

  /** (video, range, local_track) → track: first appearance outside the pre-roll, plus the boundary frames. */
  private static Dataset<Row> trackIds(SparkSession spark, Dataset<Row> faces, List<RangeTask> tasks, double minIou) {
    Map<String, Double> sharedFrom = new HashMap<>();
    for (RangeTask t : tasks) {
      if (t.range > 0) {
        sharedFrom.put(t.video + "\u0000" + (t.range - 1), t.decodeFrom);
      }
    }
    List<Row> firstSeen = faces.filter(col("preroll").equalTo(false)).groupBy("video", "range", "local_track")
        .agg(min(col("frame")).as("first")).collectAsList();
    // the boundary frames: every pre-roll face, and the faces of the previous range from the next one's pre-roll on
    List<Row> boundary = new ArrayList<>();
    List<Row> sharedRows = new ArrayList<>();
    sharedFrom.forEach((k, v) -> {
      String[] p = k.split("\u0000");
      sharedRows.add(RowFactory.create(p[0], Integer.parseInt(p[1]), v));
    });
    StructType sharedSchema = new StructType().add("video", DataTypes.StringType).add("range", DataTypes.IntegerType)
        .add("shared_from", DataTypes.DoubleType);
    Dataset<Row> shared = spark.createDataFrame(sharedRows, sharedSchema);
    Column cols = col("frame");
    boundary.addAll(faces.filter(col("preroll")).select(col("video"), col("range"), cols, col("local_track"),
        col("x"), col("y"), col("width"), col("height"), col("preroll")).collectAsList());
    boundary.addAll(faces.filter(col("preroll").equalTo(false)).join(shared, new String[] {"video", "range"})
        .filter(col("timestamp").geq(col("shared_from").minus(1e-6)))
        .select(col("video"), col("range"), cols, col("local_track"), col("x"), col("y"), col("width"),
            col("height"), col("preroll")).collectAsList());

    Map<String, Map<Integer, List<long[]>>> first = new LinkedHashMap<>();
    for (Row r : firstSeen) {
      first.computeIfAbsent(r.getString(0), k -> new HashMap<>()).computeIfAbsent(r.getInt(1),
          k -> new ArrayList<>()).add(new long[] {r.getLong(3), r.getInt(2)});
    }
    Map<String, List<TrackJoiner.Seen>> seen = new HashMap<>();
    for (Row r : boundary) {
      seen.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new TrackJoiner.Seen(r.getInt(1),
          r.getLong(2), r.getInt(3), new FaceBox(r.getInt(4), r.getInt(5), r.getInt(6), r.getInt(7)),
          r.getBoolean(8)));
    }
    TrackJoiner joiner = new TrackJoiner(minIou);
    List<Row> ids = new ArrayList<>();
    for (Map.Entry<String, Map<Integer, List<long[]>>> v : first.entrySet()) {
      Map<Integer, List<Integer>> order = new HashMap<>();
      v.getValue().forEach((range, tracks) -> {
        tracks.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        order.put(range, tracks.stream().map(a -> (int) a[1]).toList());
      });
      Map<Long, Integer> global = joiner.join(order, seen.getOrDefault(v.getKey(), List.of()));
      order.forEach((range, tracks) -> tracks.forEach(local -> ids.add(RowFactory.create(v.getKey(), range, local,
          global.get(TrackJoiner.key(range, local))))));
    }
    StructType schema = new StructType().add("video", DataTypes.StringType).add("range", DataTypes.IntegerType)
        .add("local_track", DataTypes.IntegerType).add("track", DataTypes.IntegerType);
    return spark.createDataFrame(ids, schema);
  }

  /** The columns of {@code faces/}: one probability column per class ({@code p_angry}, ...), smoothed likewise. */
  private static Column[] faceColumns(List<String> classes) {
    List<Column> c = new ArrayList<>(List.of(col("video"),
        org.apache.spark.sql.functions.udf((String v) -> VideoListing.id(v), DataTypes.StringType).apply(col("video"))
            .as("video_id"),
        col("frame"), col("timestamp"), col("track"), col("x"), col("y"), col("width"), col("height")));
    for (int i = 0; i < classes.size(); i++) {
      c.add(col("probabilities").getItem(i).as("p_" + classes.get(i)));
    }
    for (int i = 0; i < classes.size(); i++) {
      c.add(col("smoothed").getItem(i).as("smoothed_" + classes.get(i)));
    }
    Column[] names = classes.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new);
    // Column.apply(Column): the element at a per-row index
    c.add(org.apache.spark.sql.functions.array(names).apply(col("label_index")).as("label"));
    c.add(col("label_index"));
    c.add(col("smoothed").apply(col("label_index")).as("label_probability"));
    c.add(col("detector_score"));
    return c.toArray(new Column[0]);
  }

  /** A video's row: its probe, the outcome of its ranges, its face and track counts. */
  static Row videoRow(VideoProbe.Info p, List<Row> rangeStats, long[] counts) {
    String status = p.status;
    String detail = p.detail;
    long frames = 0;
    int ranges = 0;
    double seconds = 0;
    double lastSeen = 0;
    Double truncatedAt = null;
    String error = null;
    boolean sizeChanged = false;
    String firstChange = null;
    int firstChangeRange = Integer.MAX_VALUE;
    double rate = rate(p);
    for (Row r : rangeStats) {
      if (!r.getString(0).equals(p.video)) {
        continue;
      }
      ranges++;
      frames += r.getLong(4);
      seconds += r.getDouble(10);
      double last = r.isNullAt(5) ? Double.NaN : r.getDouble(5);
      if (!Double.isNaN(last)) {
        lastSeen = Math.max(lastSeen, last);
      }
      boolean eof = r.getBoolean(6);
      if (!r.isNullAt(7) && (truncatedAt == null || r.getDouble(2) < truncatedAt)) {
        error = r.getString(7);
        truncatedAt = Double.isNaN(last) ? r.getDouble(2) : last;
      }
      double reached = Double.isNaN(last) ? r.getDouble(2) : last;
      if (eof && p.durationSeconds > 0 && reached + 2 / rate < TRUNCATED_BELOW * p.durationSeconds
          && (truncatedAt == null || reached < truncatedAt)) {
        truncatedAt = reached;
        error = null;
      }
      if (r.getInt(8) > 0) {
        sizeChanged = true;
        if (r.getInt(1) < firstChangeRange) {
          firstChangeRange = r.getInt(1);
          firstChange = r.getString(9);
        }
      }
    }
    if (VideoStatus.OK.equals(status)) {
      if (truncatedAt != null) {
        status = VideoStatus.TRUNCATED;
        detail = String.format(java.util.Locale.ROOT, "frames end at %.3f s of %.3f s declared%s", truncatedAt,
            p.durationSeconds, error == null ? "" : " (" + error + ")");
      } else if (counts[0] == 0) {
        status = VideoStatus.NO_FACES;
      }
      if (sizeChanged) {
        String note = "frame size changes (first: " + firstChange + ")";
        detail = detail == null ? note : detail + "; " + note;
      }
    }
    double duration = p.durationSeconds > 0 ? p.durationSeconds : lastSeen;
    return RowFactory.create(p.video, VideoListing.id(p.video), status, detail, duration, p.frameRate, p.width,
        p.height, p.bytes, frames, counts[0], counts[1], ranges, seconds);
  }

  private static void writeTimelines(SparkSession spark, Dataset<Row> faces, Map<String, Double> durations,
      List<String> classes, VideoSettings s, Path out, Configuration hadoop) throws IOException {
    List<Row> bins = new ArrayList<>();
    durations.forEach((v, d) -> bins.add(RowFactory.create(v, Timeline.binSeconds(d, s.timelineBins()))));
    Dataset<Row> binDf = spark.createDataFrame(bins, new StructType().add("video", DataTypes.StringType)
        .add("bin_seconds", DataTypes.DoubleType));
    Map<String, List<Timeline.Count>> counts = new HashMap<>();
    for (Row r : faces.join(org.apache.spark.sql.functions.broadcast(binDf), "video")
        .withColumn("bin", floor(col("timestamp").divide(col("bin_seconds"))))
        .groupBy("video", "track", "bin", "label_index").count().collectAsList()) {
      counts.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Timeline.Count(r.getInt(1),
          r.getLong(2), r.getInt(3), r.getLong(4)));
    }
    FileSystem fs = out.getFileSystem(hadoop);
    Path dir = new Path(out, TIMELINES);
    fs.mkdirs(dir);
    for (Map.Entry<String, List<Timeline.Count>> e : counts.entrySet()) {
      String video = e.getKey();
      double duration = durations.get(video);
      Timeline t = new Timeline(video, classes, Timeline.binSeconds(duration, s.timelineBins()), duration,
          e.getValue());
      String id = VideoListing.id(video);
      writeAtomically(fs, new Path(dir, id + ".json"), PRETTY.writeValueAsBytes(t.json()));
      java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(t.png(s.timelineMaxTracks()), "png", png);
      writeAtomically(fs, new Path(dir, id + ".png"), png.toByteArray());
    }
  }

  static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
    Path tmp = new Path(target.getParent(), "_" + target.getName() + ".tmp");
    try (OutputStream o = fs.create(tmp, true)) {
      o.write(bytes);
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }

  private static Path writeManifest(Path out, Configuration hadoop, VideoSettings s, long inputs,
      Map<String, Long> byStatus, long faces, int ranges, long annotated, String sha, List<String> classes,
      double seconds) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", "analyze-videos");
    m.put("input", s.input());
    m.put("inputs", inputs);
    m.put("videos", byStatus);
    m.put("check", "inputs = " + String.join(" + ", byStatus.keySet()));
    m.put("faces", faces);
    m.put("ranges", ranges);
    m.put("annotated", annotated);
    m.put("model", Map.of("location", s.model(), "sha256", sha, "classes", classes));
    m.put("detector", s.realtime().detector().kind());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("fps", s.fps());
    settings.put("rangeSeconds", s.rangeSeconds());
    settings.put("prerollFrames", s.prerollFrames());
    settings.put("detectEvery", s.detectEvery());
    settings.put("minFace", s.realtime().detector().minFace());
    settings.put("smoothing", s.realtime().smoothing());
    settings.put("config", JSON.readTree(s.configJson()));
    m.put("settings", settings);
    List<String> outputs = new ArrayList<>(List.of(FACES + "/", VIDEOS + "/", TIMELINES + "/"));
    if (s.annotate()) {
      outputs.add(ANNOTATED + "/");
    }
    m.put("outputs", outputs);
    m.put("seconds", Math.round(seconds * 1000) / 1000.0);
    Path target = new Path(out, MANIFEST);
    FileSystem fs = out.getFileSystem(hadoop);
    writeAtomically(fs, target, PRETTY.writeValueAsString(m).getBytes(StandardCharsets.UTF_8));
    return fs.makeQualified(target);
  }

  /** Refuses an existing output without {@code overwrite}; with it, removes only what this job writes. */
  private static void prepareOutput(Path out, Configuration hadoop, boolean overwrite) throws IOException {
    FileSystem fs = out.getFileSystem(hadoop);
    for (String name : List.of(MANIFEST, FACES, VIDEOS, TIMELINES, ANNOTATED)) {
      Path p = new Path(out, name);
      if (fs.exists(p)) {
        if (!overwrite) {
          throw new InputError("output " + out + " already holds " + name + "; pass --overwrite to replace it");
        }
        fs.delete(p, true);
      }
    }
  }

  private static byte[] readModel(String location, Configuration hadoop) {
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      long limit = Limits.current().modelFileBytes();
      BoundedRead.checkDeclared(fs.getFileStatus(path).getLen(), limit, "model file", "fer.limits.model.file-bytes");
      try (InputStream in = fs.open(path)) {
        return BoundedRead.readAtMost(in, limit, "model file", "fer.limits.model.file-bytes");
      }
    } catch (java.io.FileNotFoundException e) {
      throw new InputError("model " + location + ": no such file");
    } catch (IOException e) {
      throw new InputError("model " + location + ": cannot read: " + e.getMessage());
    }
  }

  /** Loads the model once on the driver (a bad file fails before any task runs); its class names. */
  private static List<String> checkModel(String location, byte[] bytes) throws IOException {
    java.nio.file.Path tmp = Files.createTempFile("fer-video-model-", ".zip");
    try {
      Files.write(tmp, bytes);
      LoadedModel loaded;
      try {
        loaded = FaceClassifier.load(tmp, false);
      } catch (InputError e) {
        throw new InputError(e.getMessage().replace(tmp.toString(), location));
      }
      return new FaceClassifier(loaded, 0.1).classNames();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
