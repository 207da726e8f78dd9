package org.ferspark.evaluation.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ferspark.evaluation.metrics.CalibrationBin;
import org.ferspark.evaluation.images.InputSummary;
import org.ferspark.evaluation.metrics.ClassMetrics;
import org.ferspark.evaluation.metrics.EvaluationResult;
import org.ferspark.evaluation.metrics.Failure;
import org.ferspark.evaluation.metrics.Metrics;
import org.ferspark.evaluation.metrics.ModelEvaluation;
import org.ferspark.evaluation.metrics.PairTest;
import org.ferspark.evaluation.metrics.Sample;
import org.ferspark.model.train.HistoryRow;
import org.ferspark.preprocessing.image.FaceBox;

/** Hand-built evaluation results for the report tests: scores are consistent with their confusion matrices. */
final class ReportFixtures {

  static final List<String> SEVEN = List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
  static final String FINGERPRINT = "fp-3f9a0c1d";
  static final String HOSTILE = "<script>alert('x')</script> & \"friends\"";

  private ReportFixtures() {
  }

  /** One model with a 12-epoch history, TTA scores, samples of every class and full metadata. */
  static EvaluationResult oneModelWithHistory() {
    long[][] confusion = {
        {310, 4, 40, 25, 60, 10, 18}, {9, 35, 4, 3, 2, 1, 2}, {45, 2, 250, 20, 90, 60, 29},
        {12, 0, 10, 810, 15, 18, 30}, {50, 1, 70, 30, 390, 8, 104}, {8, 0, 30, 20, 6, 340, 12},
        {25, 0, 30, 45, 90, 10, 407}};
    Metrics plain = metrics(confusion, SEVEN, 0.8841, 0.0412, 0.9532);
    Metrics tta = metrics(bump(confusion), SEVEN, 0.8937, 0.0288, 0.9211);
    return new EvaluationResult("file:/data/fer2013-48", "test", FINGERPRINT,
        List.of(new ModelEvaluation("paper-cnn-e30", "/models/paper-cnn-e30.zip", metadata("paper-cnn", FINGERPRINT),
            plain, tta, samples(SEVEN.size(), 1), history(12))),
        List.of(), 41.7);
  }

  /** One model whose "disgust" class has no examples (recall NaN), no history, no TTA, no samples of disgust. */
  static EvaluationResult modelWithEmptyClass() {
    long[][] confusion = {
        {30, 2, 4, 2, 6, 1, 2}, {0, 0, 0, 0, 0, 0, 0}, {4, 1, 25, 2, 9, 6, 3},
        {1, 0, 1, 81, 1, 2, 3}, {5, 0, 7, 3, 39, 1, 10}, {1, 0, 3, 2, 1, 34, 1}, {2, 0, 3, 4, 9, 1, 40}};
    Metrics plain = metrics(confusion, SEVEN, 0.91, 0.0611, 1.0412);
    List<Sample> samples = samples(SEVEN.size(), 2).stream().filter(s -> s.trueLabel() != 1).toList();
    Map<String, Object> metadata = Map.of("architecture", "peer-convention", "datasetFingerprint", FINGERPRINT);
    return new EvaluationResult("file:/data/own-faces", "validation", "fp-other",
        List.of(new ModelEvaluation("peer-model", "/models/peer.zip", metadata, plain, null, samples, List.of())),
        List.of(), 3.2);
  }

  /**
   * One model on a photo folder: neutral absent from the data, statuses for every input (with examples and
   * unreadable reasons, one with a hostile name), detector results, and a failure gallery of {@link #FAILURES} faces.
   */
  static EvaluationResult photoFolder() {
    long[][] confusion = {
        {6, 0, 1, 1, 2, 0, 1}, {1, 2, 0, 0, 0, 0, 1}, {1, 0, 4, 1, 1, 2, 0},
        {0, 0, 1, 12, 0, 1, 1}, {2, 0, 1, 0, 5, 0, 2}, {0, 0, 1, 1, 0, 7, 0}, {0, 0, 0, 0, 0, 0, 0}};
    Metrics plain = metrics(confusion, SEVEN, 0.78, 0.094, 1.31);
    List<Failure> failures = new ArrayList<>();
    Random random = new Random(11);
    for (int i = 0; i < FAILURES; i++) {
      int t = i % 6;
      failures.add(new Failure("Anger/" + HOSTILE + i + ".jpg", "file:/photos/Anger/" + HOSTILE + i + ".jpg",
          i % 2 == 0 ? new FaceBox(20 + i, 30, 90, 90) : null, face(random, t), 48, t, (t + 2) % 7,
          0.9 - 0.05 * i));
    }
    Map<String, Long> status = new LinkedHashMap<>();
    status.put("ok", 58L);
    status.put("no-face", 9L);
    status.put("several-faces", 2L);
    status.put("face-too-small", 3L);
    status.put("unreadable", 4L);
    status.put("unknown-label", 1L);
    InputSummary inputs = new InputSummary(77, status, Map.of("image-too-large", 1L, "unsupported-format", 2L,
        "truncated-image", 1L), Map.of("no-face", List.of(new InputSummary.Example("happy/a.jpg", "file:/photos/happy/a.jpg",
            "no face of at least 24 px found")), "unreadable", List.of(new InputSummary.Example(HOSTILE + ".gif",
            "file:/photos/" + HOSTILE + ".gif", "unsupported-format: GIF"))),
        new InputSummary.Detector(68, 4, Map.of("0", 9L, "1", 55L, "2", 3L, "3+", 1L), 3, 36, 212, 104.5,
            List.of(new InputSummary.SideBin(0, 32, 0), new InputSummary.SideBin(32, 48, 5),
                new InputSummary.SideBin(48, 64, 20), new InputSummary.SideBin(64, -1, 33))),
        Map.of("detect", true, "min_face", 32, "several_faces", "largest"));
    ModelEvaluation m = new ModelEvaluation("fer2013-default", "/models/fer2013-default.zip",
        metadata("vgg-bn", FINGERPRINT), plain, null, samples(SEVEN.size(), 3).stream().filter(s -> s.trueLabel() != 6)
            .toList(), List.of(), failures);
    return new EvaluationResult("file:/photos", EvaluationResult.IMAGES, null, List.of(m), List.of(), 12.5, null,
        inputs);
  }

  static final int FAILURES = 7;

  /** Two models (the second with a hostile name) and their McNemar test. */
  static EvaluationResult twoModels() {
    EvaluationResult a = oneModelWithHistory();
    EvaluationResult b = modelWithEmptyClass();
    ModelEvaluation first = a.models().get(0);
    ModelEvaluation peer = b.models().get(0);
    ModelEvaluation hostile = new ModelEvaluation(HOSTILE, "/models/<b>bold</b>.zip",
        metadata("vgg-bn", FINGERPRINT), first.tta(), null, peer.samples(), List.of());
    PairTest test = new PairTest(first.name(), HOSTILE, 140, 95, 8.2383, 0.0041, "chi2-continuity");
    return new EvaluationResult(a.dataset(), a.split(), FINGERPRINT, List.of(first, hostile), List.of(test), 77.0);
  }

  /** Precision, recall, F1, accuracy, macro-F1 and balanced accuracy computed from {@code confusion}. */
  static Metrics metrics(long[][] confusion, List<String> names, double top2, double ece, double loss) {
    int n = confusion.length;
    long total = 0;
    long correct = 0;
    List<ClassMetrics> perClass = new ArrayList<>();
    double f1Sum = 0;
    double recallSum = 0;
    int withSupport = 0;
    for (int c = 0; c < n; c++) {
      long support = 0;
      long predicted = 0;
      for (int k = 0; k < n; k++) {
        support += confusion[c][k];
        predicted += confusion[k][c];
      }
      total += support;
      correct += confusion[c][c];
      double precision = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
      double recall = support == 0 ? Double.NaN : (double) confusion[c][c] / support;
      double f1 = support == 0 ? Double.NaN
          : precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      if (support > 0) {
        withSupport++;
        f1Sum += f1;
        recallSum += recall;
      }
      perClass.add(new ClassMetrics(names.get(c), precision, recall, f1, support, predicted));
    }
    return new Metrics(total, (double) correct / total, top2, f1Sum / withSupport, recallSum / withSupport, ece,
        loss, perClass, calibration(total), confusion, names);
  }

  /** 15 equal-width bins, overconfident at the top like an untempered CNN; the lowest bins empty. */
  static List<CalibrationBin> calibration(long total) {
    List<CalibrationBin> bins = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      double lo = i / 15.0;
      double hi = (i + 1) / 15.0;
      long count = i < 2 ? 0 : Math.round(total * (i + 1) / 120.0 * 0.3);
      double conf = (lo + hi) / 2;
      bins.add(count == 0 ? new CalibrationBin(lo, hi, 0, Double.NaN, Double.NaN)
          : new CalibrationBin(lo, hi, count, conf, Math.max(0, conf - 0.06 * conf)));
    }
    return bins;
  }

  /** Per class: three correct and two misclassified faces, synthetic (a bright oval with dark eyes and mouth). */
  static List<Sample> samples(int classes, long seed) {
    Random random = new Random(seed);
    List<Sample> out = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < 5; k++) {
        boolean correct = k < 3;
        int predicted = correct ? c : (c + 1 + k) % classes;
        out.add(new Sample("img/" + c + "/" + k + ".png", face(random, c), 48, c, predicted,
            correct ? 0.6 + 0.39 * random.nextDouble() : 0.3 + 0.4 * random.nextDouble()));
      }
    }
    return out;
  }

  private static byte[] face(Random random, int mood) {
    byte[] px = new byte[48 * 48];
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        double dx = (x - 23.5) / 17;
        double dy = (y - 25) / 21.0;
        boolean skin = dx * dx + dy * dy < 1;
        boolean eye = (Math.abs(x - 17) < 3 || Math.abs(x - 30) < 3) && Math.abs(y - 19) < 2;
        boolean mouth = Math.abs(x - 23.5) < 8 && Math.abs(y - 34 - (mood - 3) * 0.5) < 1.5;
        int v = !skin ? 40 : eye || mouth ? 50 : 190 - y;
        px[y * 48 + x] = (byte) Math.max(0, Math.min(255, v + random.nextInt(21) - 10));
      }
    }
    return px;
  }

  static List<HistoryRow> history(int epochs) {
    List<HistoryRow> rows = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      double trainLoss = 1.8 * Math.exp(-e / 5.0) + 0.3;
      double valLoss = 1.2 * Math.exp(-e / 4.0) + 0.9 + 0.01 * Math.max(0, e - 8) * Math.max(0, e - 8);
      double trainAcc = e == 3 ? Double.NaN : 0.9 - 0.65 * Math.exp(-e / 5.0);
      rows.add(new HistoryRow(e, 1e-3, trainLoss, trainAcc, valLoss, 0.68 - 0.4 * Math.exp(-e / 4.0), 28_709,
          120.0, 131.5, 239.2));
    }
    return rows;
  }

  static Map<String, Object> metadata(String arch, String fingerprint) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("arch", arch);
    config.put("epochs", 30);
    config.put("batch", 64);
    config.put("learningRate", 0.001);
    config.put("optimizer", "adam");
    config.put("balance", "weights");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("formatVersion", 1);
    m.put("classNames", SEVEN);
    m.put("inputShape", List.of(1, 48, 48));
    m.put("normalisation", "x / 255");
    m.put("architecture", arch);
    m.put("trainingConfig", config);
    m.put("datasetFingerprint", fingerprint);
    m.put("projectVersion", "0.1.0-SNAPSHOT");
    m.put("createdAt", "2025-05-01T10:00:00Z");
    return m;
  }

  private static long[][] bump(long[][] confusion) {
    long[][] out = new long[confusion.length][];
    for (int t = 0; t < confusion.length; t++) {
      out[t] = confusion[t].clone();
      long moved = Math.min(3, out[t][(t + 1) % out.length]);
      out[t][(t + 1) % out.length] -= moved;
      out[t][t] += moved;
    }
    return out;
  }
}
