package org.ferspark.realtime.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.DetectorSettings;
import org.ferspark.realtime.detect.FaceDetector;
import org.ferspark.realtime.track.IouTracker;

/**
 * Recall, false positives and time per frame of a face detector on {@link FaceScenes} (FER2013 faces composited at
 * known boxes), by category; run by {@code bench/detect.sh}, which pins it to one core. Each scene is searched whole
 * ({@code detect(frame)}, the realtime loop's full-frame search); a detection matches a true face at IoU ≥ 0.5, each
 * face and detection used once (best pairs first).
 *
 * <pre>
 * java -cp fer-spark-jobs.jar org.ferspark.realtime.bench.DetectBench FER2013_SPLIT_DIR SCENES_PER_CATEGORY SEED OUT.json
 *     [--set fer.realtime.detector.KEY=VALUE ...]
 * java -cp ... DetectBench --calibrate FER2013_VALIDATION_DIR SCENES SEED   # BlazeFace box-scale / box-shift
 * </pre>
 */
public final class DetectBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARMUP_SCENES = 5;
  /** The "upright faces ≥ 64 px" subset. */
  static final int LARGE = 64;

  private DetectBench() {
  }

  public static void main(String[] args) throws Exception {
    boolean calibrate = args.length > 0 && args[0].equals("--calibrate");
    String[] rest = calibrate ? Arrays.copyOfRange(args, 1, args.length) : args;
    if (rest.length < 3 || !calibrate && rest.length < 4) {
      System.err.println("usage: DetectBench FER_SPLIT_DIR SCENES SEED OUT.json [--set KEY=VALUE ...]\n"
          + "       DetectBench --calibrate FER_SPLIT_DIR SCENES SEED [--set KEY=VALUE ...]");
      System.exit(2);
    }
    List<String> sets = new ArrayList<>();
    for (int i = calibrate ? 3 : 4; i < rest.length; i++) {
      if (rest[i].equals("--set") && i + 1 < rest.length) {
        sets.add(rest[++i]);
      }
    }
    opencv_core.setNumThreads(1);
    FaceScenes scenes = new FaceScenes(faces(Path.of(rest[0])), Long.parseLong(rest[2]));
    int n = Integer.parseInt(rest[1]);
    if (calibrate) {
      sets.add("fer.realtime.detector.kind=blazeface");
      sets.add("fer.realtime.detector.blazeface.box-scale=1");
      sets.add("fer.realtime.detector.blazeface.box-shift=0");
      System.out.println(JSON.writeValueAsString(calibrate(scenes, n, settings(sets))));
      return;
    }
    DetectorSettings s = settings(sets);
    Map<String, Object> result = run(scenes, n, s);
    Files.writeString(Path.of(rest[3]), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.out.println(JSON.writeValueAsString(result));
  }

  static DetectorSettings settings(List<String> sets) {
    Config c = FerConfig.load(null, sets, null);
    return RealtimeSettings.from(c, RealtimeSettings.root()).detector();
  }

  /** The face JPEGs under {@code dir} (recursively), in path order. */
  static List<Path> faces(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
  }

  /** Per category and overall: faces, found, recall, false positives per frame, ms per frame. */
  static Map<String, Object> run(FaceScenes scenes, int perCategory, DetectorSettings s) throws IOException {
    Map<FaceScenes.Category, Tally> tallies = new EnumMap<>(FaceScenes.Category.class);
    Tally all = new Tally();
    Tally large = new Tally();
    try (FaceDetector detector = s.create()) {
      for (int i = 0; i < WARMUP_SCENES; i++) {
        FaceScenes.Scene warm = scenes.render(FaceScenes.Category.MULTI, 10_000 + i);
        detector.detect(warm.bgr());
        warm.bgr().close();
      }
      for (FaceScenes.Category c : FaceScenes.Category.values()) {
        Tally t = tallies.computeIfAbsent(c, k -> new Tally());
        for (int i = 0; i < perCategory; i++) {
          FaceScenes.Scene scene = scenes.render(c, i);
          long t0 = System.nanoTime();
          List<FaceBox> found = detector.detect(scene.bgr());
          double ms = (System.nanoTime() - t0) / 1e6;
          boolean[] hit = match(scene.faces(), found);
          int fp = found.size() - count(hit);
          if (DUMP != null && (fp > 0 || count(hit) < hit.length)) {
            dump(scene, found, c, i);
          }
          scene.bgr().close();
          t.add(scene.faces().size(), count(hit), fp, ms);
          all.add(scene.faces().size(), count(hit), fp, ms);
          for (int f = 0; f < hit.length; f++) {
            FaceScenes.Face face = scene.faces().get(f);
            if (face.plain() && face.box().width() >= LARGE) {
              large.faces++;
              large.found += hit[f] ? 1 : 0;
            }
          }
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("detector", describe(s));
    out.put("scenesPerCategory", perCategory);
    Map<String, Object> by = new LinkedHashMap<>();
    tallies.forEach((c, t) -> by.put(c.name().toLowerCase(Locale.ROOT), t.json()));
    out.put("categories", by);
    out.put("all", all.json());
    out.put("uprightAtLeast64", Map.of("faces", large.faces, "found", large.found,
        "recall", round(large.faces == 0 ? 0 : (double) large.found / large.faces)));
    return out;
  }

  /** Where scenes with a miss or a false positive are written (true boxes blue, detections green), or null. */
  private static final String DUMP = System.getProperty("fer.bench.dump");

  private static void dump(FaceScenes.Scene scene, List<FaceBox> found, FaceScenes.Category c, int i) {
    try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
      org.bytedeco.opencv.opencv_core.Mat m = scene.bgr().clone();
      for (FaceScenes.Face f : scene.faces()) {
        box(m, f.box(), new org.bytedeco.opencv.opencv_core.Scalar(255, 0, 0, 0));
      }
      for (FaceBox b : found) {
        box(m, b, new org.bytedeco.opencv.opencv_core.Scalar(0, 255, 0, 0));
      }
      new java.io.File(DUMP).mkdirs();
      org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(DUMP + "/" + c.name().toLowerCase(Locale.ROOT) + "-" + i
          + ".png", m);
    }
  }

  private static void box(org.bytedeco.opencv.opencv_core.Mat m, FaceBox b,
      org.bytedeco.opencv.opencv_core.Scalar colour) {
    org.bytedeco.opencv.global.opencv_imgproc.rectangle(m, new org.bytedeco.opencv.opencv_core.Point(b.x(), b.y()),
        new org.bytedeco.opencv.opencv_core.Point(b.x() + b.width(), b.y() + b.height()), colour, 2, 8, 0);
  }

  /** Which true faces a detection matches (IoU ≥ 0.5, best pairs first, one-to-one). */
  static boolean[] match(List<FaceScenes.Face> truth, List<FaceBox> found) {
    List<double[]> pairs = new ArrayList<>();
    for (int t = 0; t < truth.size(); t++) {
      for (int d = 0; d < found.size(); d++) {
        double iou = IouTracker.iou(truth.get(t).box(), found.get(d));
        if (iou >= 0.5) {
          pairs.add(new double[] {iou, t, d});
        }
      }
    }
    pairs.sort((a, b) -> Double.compare(b[0], a[0]));
    boolean[] hit = new boolean[truth.size()];
    boolean[] used = new boolean[found.size()];
    for (double[] p : pairs) {
      int t = (int) p[1];
      int d = (int) p[2];
      if (!hit[t] && !used[d]) {
        hit[t] = true;
        used[d] = true;
      }
    }
    return hit;
  }

  /**
   * Median ratio of true side to detected side ({@code box-scale}) and of the centre offset (true − detected) to
   * the true side ({@code box-shift}), over upright faces matched at IoU ≥ 0.3 with box-scale 1 and shift 0.
   */
  static Map<String, Object> calibrate(FaceScenes scenes, int n, DetectorSettings s) throws IOException {
    List<Double> scale = new ArrayList<>();
    List<Double> shiftX = new ArrayList<>();
    List<Double> shiftY = new ArrayList<>();
    try (FaceDetector detector = s.create()) {
      for (FaceScenes.Category c : List.of(FaceScenes.Category.UPRIGHT, FaceScenes.Category.MULTI)) {
        for (int i = 0; i < n; i++) {
          FaceScenes.Scene scene = scenes.render(c, i);
          List<FaceBox> found = detector.detect(scene.bgr());
          scene.bgr().close();
          for (FaceScenes.Face f : scene.faces()) {
            for (FaceBox d : found) {
              if (IouTracker.iou(f.box(), d) >= 0.3) {
                double side = f.box().width();
                scale.add(side / d.width());
                shiftX.add((f.box().x() + side / 2 - (d.x() + d.width() / 2.0)) / side);
                shiftY.add((f.box().y() + side / 2 - (d.y() + d.height() / 2.0)) / side);
              }
            }
          }
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("matched", scale.size());
    out.put("boxScale", round(median(scale)));
    out.put("boxShiftX", round(median(shiftX)));
    out.put("boxShift", round(median(shiftY)));
    return out;
  }

  static String describe(DetectorSettings s) {
    return switch (s.kind()) {
      case "haar" -> String.format(Locale.ROOT, "haar scale-factor %.2f min-neighbours %d min-face %d",
          s.scaleFactor(), s.minNeighbours(), s.minFace());
      case "blazeface" -> String.format(Locale.ROOT, "blazeface min-score %.2f nms-iou %.2f min-face %d",
          s.blazeface().minScore(), s.blazeface().nmsIou(), s.minFace());
      default -> "dnn " + s.dnnModel() + " min-face " + s.minFace();
    };
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean v : b) {
      n += v ? 1 : 0;
    }
    return n;
  }

  private static double median(List<Double> v) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Counts of one category. */
  private static final class Tally {
    int frames;
    int faces;
    int found;
    int falsePositives;
    final List<Double> ms = new ArrayList<>();

    void add(int faceCount, int hits, int fp, double millis) {
      frames++;
      faces += faceCount;
      found += hits;
      falsePositives += fp;
      ms.add(millis);
    }

    Map<String, Object> json() {
      double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("frames", frames);
      m.put("faces", faces);
      m.put("found", found);
      m.put("recall", round(faces == 0 ? 0 : (double) found / faces));
      m.put("falsePositivesPerFrame", round(frames == 0 ? 0 : (double) falsePositives / frames));
      m.put("msP50", round(sorted.length == 0 ? 0 : sorted[sorted.length / 2]));
      m.put("msP95", round(sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1,
          Math.ceil(0.95 * sorted.length) - 1)]));
      m.put("msMean", round(Arrays.stream(sorted).average().orElse(0)));
      return m;
    }
  }
}
