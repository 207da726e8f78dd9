package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;

/**
 * The export CLI as a user sees it: exit codes, one-line messages, nothing written on failure. The numerical check
 * of the ONNX files against DL4J is {@code OnnxExporterTest} (model module, ONNX Runtime).
 */
class ExportJobTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run export(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = JobRunner.execute(new ExportJob(), args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void exportsTheShippedModelWithItsClassNamesAndSourceHash() throws Exception {
    Path shipped = ShippedModelTest.ROOT.resolve("models/fer2013-default.zip");
    Path onnx = dir.resolve("fer.onnx");
    Run run = export("--model", shipped.toString(), "--onnx", onnx.toString(), "--fold-batch-norm");
    assertThat(run.code()).as(run.err()).isZero();
    byte[] bytes = Files.readAllBytes(onnx);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(text).contains("angry,disgust,fear,happy,sad,surprise,neutral").contains("N,1,48,48")
        .contains(ModelFile.sha256(shipped)).contains("folded into the convolutions");
    assertThat(bytes.length).as("about 4 bytes per learnable parameter (1.17 M)").isBetween(4_000_000, 5_500_000);
    assertThat(Files.list(dir).toList()).as("no temporary file left").containsExactly(onnx);

    Run again = export("--model", shipped.toString(), "--onnx", onnx.toString());
    assertThat(again.code()).isEqualTo(JobRunner.FAILED);
    assertThat(again.err()).contains("exists; pass --overwrite");
    assertThat(export("--model", shipped.toString(), "--onnx", onnx.toString(), "--overwrite").code()).isZero();
  }

  @Test
  void aFileThatIsNotAModelIsOneMessageAndExitCode1() throws Exception {
    Path notModel = Files.writeString(dir.resolve("notes.zip"), "not a zip");
    Run run = export("--model", notModel.toString(), "--onnx", dir.resolve("x.onnx").toString());
    assertThat(run.code()).isEqualTo(JobRunner.FAILED);
    assertThat(run.err().strip()).contains("not a zip file").doesNotContain("\n");
    assertThat(dir.resolve("x.onnx")).doesNotExist();
  }

  @Test
  void aLayerWithoutOnnxMappingIsRefusedInOneLineWithExitCode2() throws Exception {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
        .addInputs("input").setInputTypes(InputType.convolutional(48, 48, 1))
        .addLayer("pad", new ZeroPaddingLayer.Builder(1, 1).build(), "input")
        .addLayer("output", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pad")
        .setOutputs("output").build());
    g.init();
    Path model = dir.resolve("padded.zip");
    ModelFile.save(g, ModelMetadata.of(List.of("a", "b"), "custom", Map.of(), "none"), model, false);
    Run run = export("--model", model.toString(), "--onnx", dir.resolve("padded.onnx").toString());
    assertThat(run.code()).isEqualTo(JobRunner.USAGE);
    assertThat(run.err().strip()).startsWith("fer-export: cannot export 'pad' (ZeroPaddingLayer)")
        .doesNotContain("\n");
    assertThat(dir.resolve("padded.onnx")).doesNotExist();
  }

  @Test
  void missingOptionsAreBadUsage() {
    assertThat(export("--model", "m.zip").code()).isEqualTo(JobRunner.USAGE);
  }
}
