package org.ferspark.realtime.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.OneDnn;
import org.ferspark.preprocessing.dataset.Emotion;

/**
 * Saves an untrained 7-class network as a model file, so {@code bench/realtime.sh} can time the realtime loop
 * before a trained model exists (inference cost does not depend on the weights):
 * {@code java -cp fer-spark-jobs.jar org.ferspark.realtime.bench.UntrainedModel OUT.zip [paper-cnn]}.
 */
public final class UntrainedModel {
  private UntrainedModel() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: UntrainedModel OUT.zip [ARCHITECTURE]");
      System.exit(2);
    }
    String architecture = args.length > 1 ? args[1] : "paper-cnn";
    OneDnn.enable();
    ModelFile.save(Architectures.build(architecture, ArchitectureOptions.defaults(7)),
        ModelMetadata.of(Emotion.labelNames(7), architecture, Map.of("untrained", true), "none"), Path.of(args[0]),
        false);
    System.out.println("saved untrained " + architecture + " to " + args[0]);
  }
}
