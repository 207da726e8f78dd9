package org.ferspark.model.net;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The paper's CNN, exactly its Table 3: 48×48×1 → Conv 128 3×3 same ReLU → MaxPool 2×2 → Conv 256 3×3 same ReLU →
 * MaxPool 2×2 → Conv 512 3×3 same ReLU → Flatten (12·12·512 = 73,728) → Dense 128 ReLU → Dense 7 softmax.
 *
 * <p>10,914,823 parameters at 48×48 and 7 classes, 9.4 M of them in the first dense layer. Default updater Adam 1e-3,
 * Xavier init, multi-class cross-entropy (or {@link ArchitectureOptions#loss()}). Table 3 has no dropout; when {@link ArchitectureOptions#dropout()} asks for
 * it, it is applied to the inputs of both dense layers.
 */
public final class PaperCnn implements Architecture {

  @Override
  public String name() {
    return "paper-cnn";
  }

  @Override
  public String description() {
    return "the paper's Table 3 CNN: 3 conv (128/256/512) + dense 128, 10.9 M parameters, Adam 1e-3";
  }

  @Override
  public ComputationGraphConfiguration configure(ArchitectureOptions o) {
    o.requireUnitWidth(name());
    int flatSide = o.inputSize() / 4;
    double drop = o.dropoutOr(0);
    GraphBuilder g = GraphBase.start(o, new Adam(1e-3), WeightInit.XAVIER)
        .addLayer("conv1", conv(128), GraphBase.INPUT)
        .addLayer("pool1", maxPool(), "conv1")
        .addLayer("conv2", conv(256), "pool1")
        .addLayer("pool2", maxPool(), "conv2")
        .addLayer("conv3", conv(512), "pool2")
        .addVertex("flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(flatSide, flatSide, 512)),
            "conv3");
    DenseLayer.Builder dense = new DenseLayer.Builder().nOut(128).activation(Activation.RELU);
    OutputLayer.Builder out = new OutputLayer.Builder(o.lossOrCrossEntropy())
        .nOut(o.classes()).activation(Activation.SOFTMAX);
    if (drop > 0) {
      dense.dropOut(new Dropout(1 - drop));
      out.dropOut(new Dropout(1 - drop));
    }
    return g.addLayer("dense", dense.build(), "flatten")
        .addLayer(GraphBase.OUTPUT, out.build(), "dense")
        .setOutputs(GraphBase.OUTPUT)
        .build();
  }

  private static ConvolutionLayer conv(int channels) {
    return new ConvolutionLayer.Builder(3, 3)
        .nOut(channels)
        .convolutionMode(ConvolutionMode.Same)
        .activation(Activation.RELU)
        .build();
  }

  private static SubsamplingLayer maxPool() {
    return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
  }
}
