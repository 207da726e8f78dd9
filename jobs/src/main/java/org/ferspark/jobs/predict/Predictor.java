package org.ferspark.jobs.predict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.preprocessing.image.FaceBox;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.io.BoundedRead;
import org.ferspark.preprocessing.image.RejectException;
import org.ferspark.realtime.app.FaceClassifier;
import org.ferspark.realtime.detect.FaceDetector;

/**
 * Classifies image files through a {@link FaceClassifier}, {@code batchSize} faces per forward pass, and hands
 * each line to a {@link PredictionWriter} in input order (a batch's failures and predictions are written together
 * when it is classified). Without a detector each image is one face crop; with one, every face it finds in the
 * whole image, left to right. A file that cannot be read or decoded is reported with its reason and skipped. The
 * probabilities are the classifier's, calibrated with the model's temperature; a face whose top probability is below
 * {@code fer.min-confidence} gets the label {@code uncertain}.
 */
public final class Predictor {
  private final FaceClassifier classifier;
  private final FaceDetector detector;
  private final PredictionWriter writer;
  private final long maxFileBytes;
  private final int batchSize;
  private final double minConfidence;
  private final int faceLength;
  private final float[] batch;
  private final List<Line> pending = new ArrayList<>();
  private int queued;
  private int failed;
  private int skipped;
  private int faces;
  private int withoutFace;
  private int uncertain;

  private sealed interface Line permits Face, NoFace, Failed {
  }

  private record Face(String path, FaceBox box, int faces, int slot) implements Line {
  }

  private record NoFace(String path) implements Line {
  }

  private record Failed(String path, String reason) implements Line {
  }

  /**
   * @param detector finds the faces of each image, or null to take each image as a face crop; not closed here
   * @param maxFileBytes files larger than this are refused before they are read
   */
  public Predictor(FaceClassifier classifier, FaceDetector detector, PredictionWriter writer, long maxFileBytes,
      int batchSize) {
    this(classifier, detector, writer, maxFileBytes, batchSize, 0);
  }

  /** As above; a face whose top probability is below {@code minConfidence} is labelled {@code uncertain}. */
  public Predictor(FaceClassifier classifier, FaceDetector detector, PredictionWriter writer, long maxFileBytes,
      int batchSize, double minConfidence) {
    this.minConfidence = minConfidence;
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    this.classifier = classifier;
    this.detector = detector;
    this.writer = writer;
    this.maxFileBytes = maxFileBytes;
    this.batchSize = batchSize;
    this.faceLength = classifier.faceLength();
    this.batch = new float[batchSize * faceLength];
  }

  /** Classifies every input and writes its lines; returns the counts. */
  public PredictReport run(List<ImageFiles.Input> inputs) {
    writer.start(classifier.classNames(),
        inputs.stream().mapToInt(i -> i.path().toString().length()).max().orElse(0), minConfidence > 0);
    for (ImageFiles.Input input : inputs) {
      String name = input.path().toString();
      if (input.skipped() != null) {
        pending.add(new Failed(name, input.skipped()));
        skipped++;
      } else if (input.error() != null) {
        fail(name, input.error());
      } else {
        classify(input.path(), name);
      }
    }
    flush();
    return new PredictReport(inputs.size() - skipped, failed, faces, withoutFace, skipped, uncertain);
  }

  private void classify(Path file, String name) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > maxFileBytes) {
        fail(name, FaceNormalizer.FILE_TOO_LARGE + ": " + size + " bytes > max-file-bytes " + maxFileBytes);
        return;
      }
      try (java.io.InputStream in = Files.newInputStream(file)) {
        bytes = BoundedRead.readAtMost(in, maxFileBytes, "file", "max-file-bytes");
      }
    } catch (BoundedRead.TooLargeException e) {
      fail(name, FaceNormalizer.FILE_TOO_LARGE + ": " + e.getMessage());
      return;
    } catch (IOException e) {
      fail(name, "unreadable-file: " + e);
      return;
    }
    try {
      if (detector == null) {
        makeRoom();
        classifier.preprocessImage(bytes, batch, queued);
        queue(new Face(name, null, 1, queued));
      } else {
        detectAndQueue(name, bytes);
      }
    } catch (RejectException e) {
      fail(name, e.reason() + ": " + e.detail());
    } catch (RuntimeException e) {
      fail(name, "internal-error: " + e);
    }
  }

  /** Detects on the decoded image and queues its faces; all faces are normalised before the first is queued. */
  private void detectAndQueue(String name, byte[] bytes) throws RejectException {
    List<FaceBox> boxes;
    float[] own;
    try (PointerScope scope = new PointerScope()) {
      Mat bgr = classifier.decodeBgr(bytes);
      boxes = new ArrayList<>(detector.detect(bgr));
      boxes.sort(Comparator.comparingInt(FaceBox::x).thenComparingInt(FaceBox::y));
      own = new float[boxes.size() * faceLength];
      for (int i = 0; i < boxes.size(); i++) {
        classifier.preprocess(bgr, boxes.get(i), own, i);
      }
    }
    if (boxes.isEmpty()) {
      pending.add(new NoFace(name));
      withoutFace++;
      return;
    }
    for (int i = 0; i < boxes.size(); i++) {
      makeRoom();
      System.arraycopy(own, i * faceLength, batch, queued * faceLength, faceLength);
      queue(new Face(name, boxes.get(i), boxes.size(), queued));
    }
  }

  private void queue(Face face) {
    pending.add(face);
    queued++;
    faces++;
  }

  private void fail(String name, String reason) {
    pending.add(new Failed(name, reason));
    failed++;
  }

  private void makeRoom() {
    if (queued == batchSize) {
      flush();
    }
  }

  /** Classifies the queued faces in one forward pass and writes the pending lines in order. */
  private void flush() {
    float[][] probabilities = classifier.classify(batch, queued);
    List<String> names = classifier.classNames();
    for (Line line : pending) {
      if (line instanceof Face f) {
        float[] p = probabilities[f.slot()];
        String label = MinConfidence.label(p, names, minConfidence);
        uncertain += MinConfidence.UNCERTAIN.equals(label) ? 1 : 0;
        writer.write(new Prediction(f.path(), f.box(), f.faces(), label, p));
      } else if (line instanceof NoFace n) {
        writer.write(Prediction.noFace(n.path()));
      } else if (line instanceof Failed x) {
        writer.failure(x.path(), x.reason());
      }
    }
    pending.clear();
    queued = 0;
    writer.flush();
  }
}
