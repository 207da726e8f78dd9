package org.ferspark.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.OneDnn;
import org.ferspark.preprocessing.dataset.Emotion;
import org.ferspark.preprocessing.image.Tensors;
import org.nd4j.linalg.factory.Nd4j;

/** Shared by the predict tests: an untrained tiny-cnn model file, sample images, and the CLI with captured output. */
final class PredictFixtures {
  private PredictFixtures() {
  }

  /** The CLI's exit code, stdout and stderr. */
  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  static Run predict(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = JobRunner.execute(new PredictJob(), args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** An untrained tiny-cnn (7 classes, 48×48) saved as a project model file: no training needed to test predict. */
  static Path tinyModel(Path dir) throws IOException {
    OneDnn.enable();
    ComputationGraph graph = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7).withSeed(3));
    Path file = dir.resolve("tiny-cnn.zip");
    ModelFile.save(graph, ModelMetadata.of(Emotion.labelNames(7), "tiny-cnn", Map.of("untrained", true), "none"),
        file, false);
    return file;
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** The sample images of one split and class folder of data/sample, sorted by name. */
  static List<Path> sample(String split, String label) throws IOException {
    try (Stream<Path> files = Files.list(repoRoot().resolve("data/sample").resolve(split).resolve(label))) {
      return files.sorted().toList();
    }
  }

  /** Probabilities of one 48×48 face (uint8, row-major) straight from the network: the reference for predict. */
  static float[] graphOutput(ComputationGraph graph, byte[] face) {
    float[] x = Tensors.toUnitFloats(face);
    return graph.outputSingle(false, Nd4j.create(x, new long[] {1, 1, 48, 48}, 'c')).toFloatVector();
  }
}
