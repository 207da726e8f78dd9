package org.ferspark.evaluation.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.OneDnn;
import org.ferspark.model.train.HistoryRow;

/** Untrained tiny-cnn model files (with a one-epoch history in their metadata) for evaluation tests. */
public final class TinyModels {
  private TinyModels() {
  }

  /** Writes an untrained tiny-cnn for {@code labels}, initialised with {@code seed}, to {@code file}. */
  public static Path write(Path file, List<String> labels, long seed) throws IOException {
    OneDnn.enable();
    ComputationGraph g = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(labels.size()).withSeed(seed));
    HistoryRow row = new HistoryRow(1, 1e-3, 1.9, 0.2, 1.95, 0.18, 280, 2.0, 2.5, 140.0);
    ModelFile.save(g, ModelMetadata.of(labels, "tiny-cnn", Map.of("seed", seed, "history", List.of(row.toMap())),
        "test-fingerprint"), file, false);
    return file;
  }
}
