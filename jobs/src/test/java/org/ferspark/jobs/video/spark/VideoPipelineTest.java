package org.ferspark.jobs.video.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.ferspark.jobs.video.VideoListing;
import org.ferspark.jobs.video.VideoSettings;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.app.RealtimeApp;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.bench.SyntheticVideo;
import org.ferspark.realtime.detect.FaceDetector;
import org.ferspark.realtime.source.VideoSource;
import org.ferspark.realtime.track.IouTracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The video job in local mode on a folder of small generated videos: one with two known faces (cut into three
 * ranges), and bad inputs (truncated, empty, audio only, not a video, a frame-size change without faces). Its rows
 * are checked against the realtime loop's {@code frames.jsonl} on the same video, with the same settings.
 */
class VideoPipelineTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int FRAMES = 45;
  static final List<String> SETS = List.of("fer.video.fps=0", "fer.video.range-seconds=0.5",
      "fer.video.detect-every=1", "fer.video.preroll-frames=10", "fer.realtime.detector.kind=blazeface",
      "fer.realtime.detector.min-face=120", "fer.realtime.warmup-passes=0");

  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path videos;
  static Path good;
  static List<List<FaceBox>> truth;
  static Path model;
  static VideoPipeline.Report report;
  static VideoSettings settings;

  @BeforeAll
  static void videosSessionAndRun() throws Exception {
    videos = Files.createDirectories(dir.resolve("videos"));
    model = tinyModel(dir);
    settings = settings(videos, dir.resolve("out"), true);
    good = videos.resolve("good.mp4");
    truth = SyntheticVideo.write(good, detectableFaces(settings.realtime()), FRAMES, 160, 4);
    Files.delete(Path.of(good + ".boxes.jsonl"));
    Path full = dir.resolve("full.mp4");
    SyntheticVideo.write(full, List.of(sampleFaces().get(0)), 30, 160, 5, true);
    byte[] bytes = Files.readAllBytes(full);
    Files.write(videos.resolve("truncated.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
    Files.write(videos.resolve("empty.mp4"), new byte[0]);
    Files.writeString(videos.resolve("notes.txt"), "not a video\n");
    audioOnly(videos.resolve("audio.m4a"));
    sizeChange(videos.resolve("size-change.ts"));
    spark = SparkSession.builder().master("local[2]").appName("VideoPipelineTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer").getOrCreate();
    report = VideoPipeline.run(spark, settings);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  static VideoSettings settings(Path input, Path output, boolean annotate) {
    List<String> sets = new ArrayList<>(SETS);
    sets.add("fer.video.model=\"" + model.toUri() + "\"");
    return VideoSettings.from(FerConfig.load(null, sets, Map.of()), input.toString(), output.toString(), annotate,
        false, RealtimeSettings.root());
  }

  @Test
  void everyInputGetsAStatusAndTheManifestCountsThem() throws IOException {
    Map<String, Row> byName = new HashMap<>();
    for (Row r : spark.read().parquet(dir.resolve("out/videos").toString()).collectAsList()) {
      byName.put(r.getString(0).replaceAll(".*/", ""), r);
    }
    assertThat(byName).hasSize(6);
    assertThat(byName.get("good.mp4").getAs("status").toString()).isEqualTo("ok");
    assertThat((long) byName.get("good.mp4").getAs("frames")).isEqualTo(FRAMES);
    assertThat((long) byName.get("good.mp4").getAs("tracks")).isEqualTo(2);
    assertThat((int) byName.get("good.mp4").getAs("ranges")).as("1.5 s in 0.5-s ranges").isEqualTo(3);
    assertThat(byName.get("truncated.mp4").getAs("status").toString()).isEqualTo("truncated");
    assertThat(byName.get("truncated.mp4").getAs("detail").toString()).contains("frames end at").contains("of 1.000 s");
    assertThat(byName.get("empty.mp4").getAs("detail").toString()).isEqualTo("empty file");
    assertThat(byName.get("audio.m4a").getAs("detail").toString()).contains("no video stream (audio only)");
    assertThat(byName.get("notes.txt").getAs("status").toString()).isEqualTo("unreadable");
    assertThat(byName.get("size-change.ts").getAs("status").toString()).isEqualTo("no-faces");
    assertThat(byName.get("size-change.ts").getAs("detail").toString())
        .contains("frame size changes (first: 320x240 -> 160x120 at");

    JsonNode manifest = JSON.readTree(dir.resolve("out/manifest.json").toFile());
    assertThat(manifest.get("inputs").asInt()).isEqualTo(6);
    assertThat(manifest.get("videos").toString())
        .isEqualTo("{\"ok\":1,\"unreadable\":3,\"truncated\":1,\"no-faces\":1}");
    assertThat(report.byStatus().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(report.inputs());
  }

  @Test
  void facesMatchTheRealtimeLoopOnTheSameVideoAcrossRangeBoundaries() throws Exception {
    Path rt = dir.resolve("realtime");
    RealtimeSettings s = settings.realtime();
    FaceClassifier classifier = new FaceClassifier(FaceClassifier.load(model, false), s.cropMargin(),
        s.foldBatchNorm());
    try (VideoSource source = VideoSource.open(good.toFile())) {
      RealtimeApp.run(s, classifier, source, false, rt.toFile());
    }
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    for (String line : Files.readAllLines(rt.resolve("frames.jsonl"))) {
      JsonNode j = JSON.readTree(line);
      expected.put(j.get("frame").asLong() + " " + j.get("box"), j);
    }
    List<Row> rows = spark.read().parquet(dir.resolve("out/faces").toString())
        .filter("video like '%good.mp4'").orderBy("frame", "x").collectAsList();
    assertThat(rows).hasSize(expected.size()).hasSizeGreaterThanOrEqualTo((int) (1.6 * FRAMES));
    List<String> classes = Emotion.labelNames(7);
    Map<Integer, Integer> jobIdOf = new HashMap<>();
    int nearTruth = 0;
    for (Row r : rows) {
      long frame = r.getAs("frame");
      FaceBox box = new FaceBox(r.getAs("x"), r.getAs("y"), r.getAs("width"), r.getAs("height"));
      JsonNode e = expected.get(frame + " [" + box.x() + "," + box.y() + "," + box.width() + "," + box.height() + "]");
      assertThat(e).as("realtime row for frame %d box %s", frame, box).isNotNull();
      for (String c : classes) {
        assertThat((float) r.getAs("p_" + c)).as("frame %d %s", frame, c)
            .isCloseTo(e.get("probabilities").get(c).floatValue(), within(1e-5f));
        assertThat((float) r.getAs("smoothed_" + c)).isCloseTo(e.get("smoothed").get(c).floatValue(),
            within(2e-3f));
      }
      assertThat((double) r.getAs("timestamp")).isCloseTo(e.get("t").asDouble(), within(1e-6));
      assertThat((float) r.getAs("detector_score")).isBetween(0.5f, 1f);
      Integer previous = jobIdOf.putIfAbsent(e.get("id").asInt(), r.getAs("track"));
      assertThat(previous == null ? (int) r.getAs("track") : previous).as("one job track per realtime track")
          .isEqualTo((int) r.getAs("track"));
      nearTruth += truth.get((int) frame).stream().anyMatch(t -> IouTracker.iou(t, box) >= 0.5) ? 1 : 0;
    }
    assertThat(jobIdOf.values()).doesNotHaveDuplicates();
    assertThat(nearTruth).as("rows at a known face box").isEqualTo(rows.size());
  }

  @Test
  void writesATimelinePerVideoWithFacesAndAnAnnotatedVideoPerDecodableOne() throws Exception {
    String id = VideoListing.id(good.toUri().toString().replace("file:///", "file:/"));
    JsonNode timeline = JSON.readTree(dir.resolve("out/timelines/" + id + ".json").toFile());
    assertThat(timeline.get("tracks")).hasSize(2);
    long frames = 0;
    for (JsonNode bin : timeline.get("all")) {
      frames += bin.get("frames").asLong();
      double sum = 0;
      for (JsonNode share : bin.get("shares")) {
        sum += share.asDouble();
      }
      assertThat(sum).isCloseTo(1.0, within(1e-3));
    }
    assertThat(frames).isEqualTo(spark.read().parquet(dir.resolve("out/faces").toString())
        .filter("video like '%good.mp4'").count());
    assertThat(javax.imageio.ImageIO.read(dir.resolve("out/timelines/" + id + ".png").toFile()).getHeight())
        .isGreaterThan(300);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(dir.resolve("out/annotated/" + id + ".mp4").toFile())) {
      g.start();
      int n = 0;
      while (g.grabImage() != null) {
        n++;
      }
      assertThat(n).isEqualTo(FRAMES);
      g.stop();
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("out/annotated"))) {
      assertThat(files.map(p -> p.getFileName().toString().replaceAll("-[0-9a-f]{7}\\.mp4$", "")))
          .containsExactlyInAnyOrder("good.mp4", "truncated.mp4", "size-change.ts");
    }
  }

  /** The sample happy faces, by name. */
  static List<Path> sampleFaces() {
    File[] f = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample/test/happy").toFile()
        .listFiles();
    Arrays.sort(f);
    return Arrays.stream(f).map(File::toPath).toList();
  }

  /** Two sample faces the configured detector finds at 160 px, each alone in a frame. */
  static List<Path> detectableFaces(RealtimeSettings s) throws IOException {
    List<Path> found = new ArrayList<>();
    try (FaceDetector d = s.detector().create()) {
      for (Path face : sampleFaces()) {
        Path probe = dir.resolve("probe.mp4");
        SyntheticVideo.write(probe, List.of(face), 1, 160, 4);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(probe.toFile());
            OpenCVFrameConverter.ToMat c = new OpenCVFrameConverter.ToMat()) {
          g.start();
          if (!d.detect(c.convert(g.grabImage())).isEmpty()) {
            found.add(face);
          }
          g.stop();
        }
        if (found.size() == 2) {
          return found;
        }
      }
    }
    throw new AssertionError("the detector finds fewer than two sample happy faces at 160 px");
  }

  static Path tinyModel(Path dir) throws IOException {
    Path file = dir.resolve("tiny-cnn.zip");
    ModelFile.save(Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7).withSeed(3)),
        ModelMetadata.of(Emotion.labelNames(7), "tiny-cnn", Map.of("untrained", true), "none"), file, false);
    return file;
  }

  static void audioOnly(Path file) throws Exception {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), 1)) {
      r.setFormat("mp4");
      r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
      r.setSampleRate(16_000);
      r.start();
      r.recordSamples(16_000, 1, ShortBuffer.wrap(new short[16_000]));
      r.stop();
    }
  }

  /** MPEG-TS: 15 blank frames of 320x240, then 15 of 160x120 (two streams' segments back to back). */
  static void sizeChange(Path file) throws Exception {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    Path a = dir.resolve("a.ts");
    Path b = dir.resolve("b.ts");
    blankTs(a, 320, 240, 0);
    blankTs(b, 160, 120, 15);
    byte[] first = Files.readAllBytes(a);
    byte[] second = Files.readAllBytes(b);
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    Files.write(file, both);
  }

  private static void blankTs(Path file, int w, int h, int startFrame) throws Exception {
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), w, h, 0);
        OpenCVFrameConverter.ToMat c = new OpenCVFrameConverter.ToMat();
        Mat m = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0))) {
      r.setFormat("mpegts");
      r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG2VIDEO);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(30);
      r.start();
      for (int i = 0; i < 15; i++) {
        Frame f = c.convert(m);
        r.setTimestamp((startFrame + i) * 1_000_000L / 30);
        r.record(f);
      }
      r.stop();
    }
  }
}
