package org.ferspark.realtime.detect;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ferspark.preprocessing.dataset.InputError;

/**
 * What it takes to build the configured face detector ({@code fer.realtime.detector.*}) again in another JVM, e.g.
 * on every Spark executor: the kind and its parameters, plus the names of its files. The files themselves travel as
 * bytes ({@link #readFile()}, {@link #readConfig()} on the driver; {@link #open(byte[], byte[])} on the executor
 * writes them to temporary files for OpenCV, which reads detectors from files only, and deletes them once loaded),
 * so a detector file that exists only on the driver's disk works on a cluster. The default Haar cascade comes from
 * the OpenCV jar, which every JVM has.
 *
 * @param kind {@code haar} or {@code dnn}
 * @param file cascade XML (Haar; empty for the default cascade) or network weights (DNN), a local path
 * @param config DNN network description ({@code .prototxt}, {@code .pbtxt}), empty for none
 * @param scaleFactor Haar image pyramid step
 * @param minNeighbours Haar overlapping hits needed
 * @param inputSize DNN input side
 * @param confidence DNN score threshold
 * @param minSize smallest face side searched for, in pixels
 */
public record DetectorSpec(String kind, String file, String config, double scaleFactor, int minNeighbours,
    int inputSize, double confidence, int minSize) implements Serializable {

  public DetectorSpec {
    file = file == null ? "" : file;
    config = config == null ? "" : config;
    if (!"haar".equals(kind) && !"dnn".equals(kind)) {
      throw new IllegalArgumentException("detector kind must be haar or dnn, got '" + kind + "'");
    }
    if (kind.equals("dnn") && file.isEmpty()) {
      throw new IllegalArgumentException("a dnn detector needs a model file");
    }
  }

  /** This detector searching faces from {@code side} pixels up. */
  public DetectorSpec withMinSize(int side) {
    return new DetectorSpec(kind, file, config, scaleFactor, minNeighbours, inputSize, confidence, side);
  }

  /** The detector file's bytes (null for the default cascade), read here within {@code fer.limits.model.file-bytes}. */
  public byte[] readFile() {
    return file.isEmpty() ? null : read(file, kind.equals("dnn") ? "detector model" : "cascade file");
  }

  /** The DNN description's bytes, or null for none. */
  public byte[] readConfig() {
    return config.isEmpty() ? null : read(config, "detector config");
  }

  /** The detector, reading its files from their paths in this JVM. */
  public FaceDetector openLocal() {
    Path model = file.isEmpty() ? null : Path.of(file);
    if (kind.equals("dnn")) {
      return new DnnFaceDetector(model, config.isEmpty() ? null : Path.of(config), inputSize, confidence, minSize);
    }
    return new HaarFaceDetector(model, scaleFactor, minNeighbours, minSize);
  }

  /**
   * The detector, from the bytes of its files ({@link #readFile()}, {@link #readConfig()} in the JVM that had
   * them); the temporary copies are deleted before this returns.
   */
  public FaceDetector open(byte[] fileBytes, byte[] configBytes) {
    Path model = null;
    Path description = null;
    try {
      model = fileBytes == null ? null : temp(fileBytes, file);
      description = configBytes == null ? null : temp(configBytes, config);
      if (kind.equals("dnn")) {
        return new DnnFaceDetector(model, description, inputSize, confidence, minSize);
      }
      return new HaarFaceDetector(model, scaleFactor, minNeighbours, minSize);
    } finally {
      delete(model);
      delete(description);
    }
  }

  private static byte[] read(String location, String what) {
    Path p = Path.of(location);
    if (!Files.isRegularFile(p)) {
      throw new InputError(what + " " + location + " does not exist");
    }
    HaarFaceDetector.checkSize(p, what);
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InputError("cannot read " + what + " " + location + ": " + e.getMessage());
    }
  }

  /** A temporary copy keeping the original's extension: OpenCV's DNN reader picks the format by it. */
  private static Path temp(byte[] bytes, String original) {
    String name = Path.of(original).getFileName().toString();
    int dot = name.lastIndexOf('.');
    try {
      Path tmp = Files.createTempFile("fer-detector-", dot < 0 ? "" : name.substring(dot));
      Files.write(tmp, bytes);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary detector file: " + e.getMessage(), e);
    }
  }

  private static void delete(Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        tmp.toFile().deleteOnExit();
      }
    }
  }
}
