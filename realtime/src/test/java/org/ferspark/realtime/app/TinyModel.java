package org.ferspark.realtime.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.preprocessing.dataset.Emotion;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** An untrained, small 48×48×1 → 7-class network saved as a project model file: fast to load and run in tests. */
final class TinyModel {
  private TinyModel() {
  }

  static Path save(Path dir) throws IOException {
    ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7)
        .weightInit(WeightInit.XAVIER).graphBuilder()
        .addInputs("in")
        .addLayer("conv", new ConvolutionLayer.Builder(5, 5).stride(4, 4).nOut(6).activation(Activation.RELU)
            .build(), "in")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(7)
            .activation(Activation.SOFTMAX).build(), "conv")
        .setOutputs("out")
        .setInputTypes(InputType.convolutional(48, 48, 1))
        .build());
    graph.init();
    Path file = dir.resolve("tiny.zip");
    ModelFile.save(graph, ModelMetadata.of(Emotion.labelNames(7), "tiny-test", Map.of(), "none"), file, false);
    return file;
  }
}
