package org.ferspark.realtime.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;

/**
 * A test video with faces at known boxes: FER2013 faces (48×48 gray) upscaled to {@code side} pixels and pasted on
 * a 640×480 background (gradient, noise or stripes, chosen by seed), moving slightly from frame to frame. Writes the
 * video (MPEG-4 in MP4) and, beside it, {@code FILE.boxes.jsonl}: {@code {"frame": n, "boxes": [[x, y, w, h], ...]}}.
 *
 * <p>Used by the realtime tests and by {@code bench/realtime.sh}: {@code java -cp fer-spark-jobs.jar
 * org.ferspark.realtime.bench.SyntheticVideo OUT.mp4 FRAMES SIDE SEED FACE.jpg [FACE.jpg ...]} (one face per image).
 */
public final class SyntheticVideo {
  public static final int WIDTH = 640;
  public static final int HEIGHT = 480;

  private SyntheticVideo() {
  }

  /** Frame size, frame rate and bitrate of a generated video. */
  public record Format(int width, int height, double fps, int bitrate) {
    /** 640×480 at 30 frames/s, 4 Mbit/s. */
    public static final Format VGA = new Format(WIDTH, HEIGHT, 30, 4_000_000);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 5) {
      System.err.println("usage: SyntheticVideo OUT.mp4 FRAMES SIDE SEED [--format WxH@FPS] FACE.jpg [FACE.jpg ...]");
      System.exit(2);
    }
    Format format = Format.VGA;
    List<Path> faces = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      if (args[i].equals("--format") && i + 1 < args.length) {
        String[] f = args[++i].split("[x@]");
        int w = Integer.parseInt(f[0]);
        int h = Integer.parseInt(f[1]);
        double fps = Double.parseDouble(f[2]);
        format = new Format(w, h, fps, (int) Math.max(200_000, 4_000_000.0 * w * h * fps / (WIDTH * HEIGHT * 30)));
      } else {
        faces.add(Path.of(args[i]));
      }
    }
    write(Path.of(args[0]), faces, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
        false, format);
  }

  /**
   * Writes the video and its boxes file.
   *
   * @return per frame, the true box of each face (in {@code faces} order)
   */
  public static List<List<FaceBox>> write(Path video, List<Path> faces, int frames, int side, long seed)
      throws IOException {
    return write(video, faces, frames, side, seed, false);
  }

  /**
   * As {@link #write(Path, List, int, int, long)}; with {@code faststart} the MP4 index goes to the front of the
   * file (FFmpeg's {@code movflags=faststart}), so a copy cut short still opens and declares its full length.
   */
  public static List<List<FaceBox>> write(Path video, List<Path> faces, int frames, int side, long seed,
      boolean faststart) throws IOException {
    return write(video, faces, frames, side, seed, faststart, Format.VGA);
  }

  /** As above, in {@code format}. */
  public static List<List<FaceBox>> write(Path video, List<Path> faces, int frames, int side, long seed,
      boolean faststart, Format format) throws IOException {
    final int width = format.width();
    final int height = format.height();
    FaceNormalizer.loadNatives();
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    Random random = new Random(seed);
    List<List<FaceBox>> truth = new ArrayList<>();
    int n = faces.size();
    int[][] origin = new int[n][2];
    for (int i = 0; i < n; i++) {
      int slot = width / n;
      origin[i][0] = i * slot + Math.max(0, (slot - side) / 2);
      origin[i][1] = Math.max(0, (height - side) / 2 + (i % 2 == 0 ? -30 : 30));
    }
    ObjectMapper json = new ObjectMapper();
    try (PointerScope scope = new PointerScope();
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(video.toFile(), width, height, 0);
        BufferedWriter boxes = Files.newBufferedWriter(Path.of(video + ".boxes.jsonl"))) {
      List<Mat> faceMats = new ArrayList<>();
      for (Path f : faces) {
        Mat gray = imread(f.toString(), IMREAD_GRAYSCALE);
        if (gray.empty()) {
          throw new IOException("cannot read face image " + f);
        }
        Mat big = new Mat();
        resize(gray, big, new Size(side, side), 0, 0, INTER_CUBIC);
        Mat bgr = new Mat();
        cvtColor(big, bgr, COLOR_GRAY2BGR);
        faceMats.add(bgr);
      }
      Mat background = background(random, width, height);
      recorder.setFormat("mp4");
      if (faststart) {
        recorder.setOption("movflags", "faststart");
      }
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(format.fps());
      recorder.setVideoBitrate(format.bitrate());
      recorder.start();
      Mat frame = new Mat();
      for (int t = 0; t < frames; t++) {
        background.copyTo(frame);
        List<FaceBox> now = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int x = clamp(origin[i][0] + (int) Math.round(12 * Math.sin(t / 15.0 + i)), width - side);
          int y = clamp(origin[i][1] + (int) Math.round(8 * Math.cos(t / 20.0 + 2 * i)), height - side);
          faceMats.get(i).copyTo(new Mat(frame, new Rect(x, y, side, side)));
          now.add(new FaceBox(x, y, side, side));
        }
        recorder.record(converter.convert(frame));
        truth.add(now);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("frame", t);
        line.put("boxes", now.stream().map(b -> new int[] {b.x(), b.y(), b.width(), b.height()}).toList());
        boxes.write(json.writeValueAsString(line));
        boxes.newLine();
      }
      recorder.stop();
    }
    return truth;
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  /** A 640×480 gradient, noise or stripes background, by seed. */
  static Mat background(Random random) {
    return background(random, WIDTH, HEIGHT);
  }

  /** A gradient, noise or stripes background of {@code width × height}, by seed. */
  static Mat background(Random random, int width, int height) {
    Mat bg = new Mat(height, width, CV_8UC3);
    int kind = random.nextInt(3);
    int base = 60 + random.nextInt(120);
    try (UByteIndexer ix = bg.createIndexer()) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int v = switch (kind) {
            case 0 -> base / 2 + (x + y) * 120 / (width + height);
            case 1 -> base + random.nextInt(41) - 20;
            default -> ((x / 24) % 2 == 0) ? base : base / 2;
          };
          for (int c = 0; c < 3; c++) {
            ix.put(y, x, c, Math.max(0, Math.min(255, v + (c - 1) * 10)));
          }
        }
      }
    }
    return bg;
  }
}
