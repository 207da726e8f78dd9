package org.ferspark.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exported ONNX files, read back by an independent implementation (ONNX Runtime's Java API), give DL4J's
 * probabilities on the sample faces within 1e-4, for every architecture the project builds.
 */
class OnnxExporterTest {
  static final Path ROOT = Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  static final Path SHIPPED = ROOT.resolve("models/fer2013-default.zip");
  static final double TOLERANCE = 1e-4;
  private static float[] faces;
  private static int n;

  @TempDir
  Path tmp;

  /** The 70 test faces of data/sample as {@code x / 255}, NCHW. */
  @BeforeAll
  static void readFaces() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(ROOT.resolve("data/sample/test"))) {
      files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    n = files.size();
    faces = new float[n * 48 * 48];
    byte[] px = new byte[48 * 48];
    for (int i = 0; i < n; i++) {
      try (Mat m = imread(files.get(i).toString(), IMREAD_GRAYSCALE)) {
        assertThat(m.rows() * m.cols()).as("%s is 48x48", files.get(i)).isEqualTo(48 * 48);
        m.data().get(px);
      }
      for (int j = 0; j < px.length; j++) {
        faces[i * px.length + j] = (px[j] & 0xFF) / 255f;
      }
    }
  }

  @Test
  void shippedVggBnGivesDl4jsProbabilitiesWithBatchNormKept() throws Exception {
    LoadedModel m = ModelFile.load(SHIPPED, false);
    Map<String, String> props = assertSameProbabilities(m.graph(), m.metadata(), m.graph());
    assertThat(props).containsEntry("class_names", String.join(",", Emotion.labelNames(7)))
        .containsEntry("input_shape", "N,1,48,48").containsEntry("normalisation", "x / 255")
        .containsEntry("architecture", "vgg-bn").containsEntry("input_name", "input");
  }

  @Test
  void shippedVggBnFoldedGivesTheUnfoldedNetworksProbabilities() throws Exception {
    LoadedModel m = ModelFile.load(SHIPPED, false);
    ComputationGraph folded = BatchNormFolding.fold(m.graph());
    assertThat(folded.getLayers().length).isLessThan(m.graph().getLayers().length);
    assertSameProbabilities(folded, m.metadata(), m.graph());
  }

  @Test
  void freshPaperCnnGivesDl4jsProbabilities() throws Exception {
    ComputationGraph g = Architectures.build("paper-cnn", ArchitectureOptions.defaults(7));
    assertSameProbabilities(g, ModelMetadata.of(Emotion.labelNames(7), "paper-cnn", Map.of(), "none"), g);
  }

  @Test
  void freshTinyCnnWithAsymmetricSamePaddingGivesDl4jsProbabilities() throws Exception {
    // tiny-cnn: 5x5 stride 2 "Same" on 48 pixels pads 1 before and 2 after, and DL4J adds the flattening itself
    ComputationGraph g = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(8));
    assertSameProbabilities(g, ModelMetadata.of(Emotion.labelNames(8), "tiny-cnn", Map.of(), "none"), g);
  }

  @Test
  void refusesALayerItCannotExportNamingIt() {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
        .addInputs("input").setInputTypes(InputType.convolutional(48, 48, 1))
        .addLayer("sep", new SeparableConvolution2D.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
            .build(), "input")
        .addLayer("output", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "sep")
        .setOutputs("output").build());
    g.init();
    ModelMetadata meta = ModelMetadata.of(List.of("a", "b"), "custom", Map.of(), "none");
    assertThatThrownBy(() -> OnnxExporter.export(g, meta, Map.of()))
        .isInstanceOf(UnsupportedLayerException.class)
        .hasMessageContaining("'sep'").hasMessageContaining("SeparableConvolution2D");
  }

  /**
   * Exports {@code net}, runs the file in ONNX Runtime on the sample faces and compares with {@code reference}'s
   * DL4J output; returns the file's metadata_props.
   */
  private Map<String, String> assertSameProbabilities(ComputationGraph net, ModelMetadata meta,
      ComputationGraph reference) throws IOException, OrtException {
    Path file = tmp.resolve(meta.architecture() + ".onnx");
    Files.write(file, OnnxExporter.export(net, meta, Map.of("source_sha256", "test")));
    INDArray x = Nd4j.create(faces, new long[] {n, 1, 48, 48}, DataType.FLOAT);
    float[][] expected = reference.outputSingle(false, x).toFloatMatrix();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(file.toString(), o);
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(faces), new long[] {n, 1, 48, 48});
        OrtSession.Result r = s.run(Map.of("input", in))) {
      float[][] actual = (float[][]) r.get(0).getValue();
      assertThat(actual.length).isEqualTo(n);
      double maxDiff = 0;
      int agree = 0;
      for (int i = 0; i < n; i++) {
        assertThat(actual[i]).hasSize(meta.classes());
        for (int c = 0; c < meta.classes(); c++) {
          maxDiff = Math.max(maxDiff, Math.abs(actual[i][c] - expected[i][c]));
        }
        agree += argMax(actual[i]) == argMax(expected[i]) ? 1 : 0;
      }
      System.out.printf("%s (%d layers): max |onnx - dl4j| = %.2e over %d faces%n", meta.architecture(),
          net.getLayers().length, maxDiff, n);
      assertThat(maxDiff).as("max |onnx - dl4j| over %d faces of %s", n, meta.architecture())
          .isLessThan(TOLERANCE);
      assertThat(agree).as("same top-1 class").isEqualTo(n);
      assertThat(s.getInputNames()).containsExactly("input");
      return s.getMetadata().getCustomMetadata();
    }
  }

  private static int argMax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      best = p[i] > p[best] ? i : best;
    }
    return best;
  }
}
