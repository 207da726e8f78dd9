package org.ferspark.realtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.image.Tensors;
import org.ferspark.realtime.bench.SyntheticVideo;
import org.ferspark.realtime.detect.DetectorSettings;
import org.ferspark.realtime.detect.FaceDetector;
import org.ferspark.realtime.track.IouTracker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The whole loop on a synthetic video (a FER2013 test face from data/sample, upscaled to 160 px, on a noisy
 * 640×480 background at known boxes), checked by independent readers: FFmpeg reads the annotated video back, the
 * JSON lines are compared with the known boxes and with an offline classification of the same crops.
 */
class HeadlessRunTest {
  static final int FRAMES = 24;
  static final int SIDE = 160;
  static final double MARGIN = 0.1;

  @TempDir
  static Path dir;
  static Path model;
  static Path video;
  static List<List<FaceBox>> truth;

  @BeforeAll
  static void makeVideoAndModel() throws IOException {
    model = TinyModel.save(dir);
    video = dir.resolve("synthetic.mp4");
    truth = SyntheticVideo.write(video, List.of(detectableFaceIn(dir)), FRAMES, SIDE, 1);
  }

  /** The first sample happy face (by name) that the default detector finds when upscaled to 160 px. */
  static Path detectableFaceIn(Path dir) {
    File[] faces = repoRoot().resolve("data/sample/test/happy").toFile().listFiles();
    Arrays.sort(faces);
    try (FaceDetector detector = DetectorSettings.from(FerConfig.load(null, List.of(), null), dir).create()) {
      for (File f : faces) {
        Path one = dir.resolve("probe-" + f.getName() + ".mp4");
        try {
          SyntheticVideo.write(one, List.of(f.toPath()), 1, SIDE, 1);
        } catch (IOException e) {
          continue;
        }
        if (!detector.detect(firstFrame(one)).isEmpty()) {
          return f.toPath();
        }
      }
    }
    throw new AssertionError("the default detector finds none of the sample happy faces at " + SIDE + " px");
  }

  static Mat firstFrame(Path file) {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        OpenCVFrameConverter.ToMat c = new OpenCVFrameConverter.ToMat()) {
      g.start();
      Mat m = c.convert(g.grabImage()).clone();
      g.stop();
      return m;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  }

  @ParameterizedTest(name = "pipeline={0}")
  @ValueSource(booleans = {false, true})
  void writesAnnotatedVideoAndJsonLinesThatAgreeWithTheKnownBoxesAndTheOfflineClassifier(boolean pipeline)
      throws Exception {
    Path out = dir.resolve("out-" + pipeline);
    int code = RealtimeApp.Cli.execute(new RealtimeApp(), new String[] {"--video", video.toString(),
        "--model", model.toString(), "--headless", "--out", out.toString(), "--detect-every", "4",
        "--smoothing", "0.5", "--set", "fer.realtime.crop-margin=" + MARGIN, "--set",
        "fer.realtime.pipeline=" + pipeline});
    assertThat(code).isZero();

    assertThat(out.resolve("annotated.mp4")).isNotEmptyFile();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.resolve("annotated.mp4").toFile())) {
      g.start();
      assertThat(g.getImageWidth()).isEqualTo(SyntheticVideo.WIDTH);
      assertThat(g.getImageHeight()).isEqualTo(SyntheticVideo.HEIGHT);
      int n = 0;
      for (Frame f = g.grabImage(); f != null; f = g.grabImage()) {
        n++;
      }
      assertThat(n).as("annotated frames").isEqualTo(FRAMES);
      g.stop();
    }

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve("frames.jsonl"))) {
      lines.add(json.readTree(l));
    }
    long hits = lines.stream().filter(l -> IouTracker.iou(box(l), truth.get(l.get("frame").asInt()).get(0)) >= 0.5)
        .map(l -> l.get("frame").asInt()).distinct().count();
    assertThat(hits).as("frames where a detection overlaps the known box by IoU >= 0.5").isGreaterThanOrEqualTo(
        (long) Math.ceil(0.8 * FRAMES));
    assertThat(lines).extracting(l -> l.get("id").asInt()).as("one stable track id").containsOnly(1);
    assertThat(lines.get(0).get("probabilities").size()).isEqualTo(7);
    assertThat(lines.get(0).get("t").asDouble()).isEqualTo(0.0);

    // offline: the same crop of the same decoded frame through FaceNormalizer → Tensors → the model, one at a time
    LoadedModel loaded = ModelFile.load(model, false);
    ComputationGraph graph = loaded.graph();
    FaceNormalizer normalizer = FaceNormalizer.fromConfig(FerConfig.load(null, List.of(), null));
    List<String> names = loaded.metadata().classNames();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
        OpenCVFrameConverter.ToMat c = new OpenCVFrameConverter.ToMat()) {
      g.start();
      int frame = 0;
      int checked = 0;
      for (Frame f = g.grabImage(); f != null; f = g.grabImage(), frame++) {
        Mat bgr = c.convert(f);
        for (JsonNode l : lines) {
          if (l.get("frame").asInt() != frame) {
            continue;
          }
          FaceBox b = box(l);
          int dx = (int) Math.round(b.width() * MARGIN);
          int dy = (int) Math.round(b.height() * MARGIN);
          byte[] face = normalizer.normalize(bgr, new FaceBox(b.x() - dx, b.y() - dy, b.width() + 2 * dx,
              b.height() + 2 * dy));
          float[] expected = graph.outputSingle(false, Nd4j.create(Tensors.toUnitFloats(face),
              new long[] {1, 1, 48, 48}, 'c')).toFloatVector();
          for (int k = 0; k < names.size(); k++) {
            assertThat(l.get("probabilities").get(names.get(k)).floatValue()).as("frame %d %s", frame, names.get(k))
                .isCloseTo(expected[k], within(1e-5f));
          }
          checked++;
        }
      }
      g.stop();
      assertThat(checked).isEqualTo(lines.size());
    }
  }

  static FaceBox box(JsonNode line) {
    JsonNode b = line.get("box");
    return new FaceBox(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt());
  }
}
