package org.ferspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.jobs.ExportJob;
import org.ferspark.jobs.JobRunner;
import org.ferspark.jobs.SampleDataset;
import org.ferspark.jobs.SampleDataset.Run;
import org.ferspark.jobs.TrainJob;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.model.train.DatasetManifest;
import org.ferspark.model.train.Evaluator;
import org.ferspark.model.train.TensorDataset;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.sh --init-from}: the shipped vgg-bn fine-tuned for one epoch on six classes of data/sample (neutral
 * dropped) beats a from-scratch run of the same length on the held-out test faces; the metadata names the parent;
 * bad input is one error with exit code 2 and nothing written.
 */
class FineTuneJobTest {
  static final Path ROOT = SampleDataset.ROOT;
  static final Path SHIPPED = ROOT.resolve("models/fer2013-default.zip");
  static final List<String> SIX = List.of("angry", "disgust", "fear", "happy", "sad", "surprise");
  @TempDir static Path shared;
  @TempDir Path tmp;
  static String data;

  @BeforeAll
  static void tensors() throws IOException {
    data = SampleDataset.preprocess(shared.resolve("sample"), "FineTuneJobTest");
  }

  static Run train(String... args) {
    return SampleDataset.run(new TrainJob(), args);
  }

  static String[] sixClassRun(Path out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--data", data, "--out", out.toString(), "--no-spark",
        "--epochs", "1", "--batch", "32", "--set", "fer.train.labels.drop=[neutral]",
        "--set", "fer.train.learning-rate=0.0005", "--set", "fer.train.train-eval-samples=0"));
    args.addAll(List.of(more));
    return args.toArray(new String[0]);
  }

  /** Accuracy of a model file on the test faces of the six classes. */
  static double testAccuracy(Path model) throws IOException {
    LoadedModel m = ModelFile.load(model, false);
    DatasetManifest manifest = DatasetManifest.read(data, new Configuration());
    TensorDataset test = TensorDataset.read(data, "test", manifest, new Configuration());
    int[] map = Emotion.labelNames(7).stream().mapToInt(SIX::indexOf).toArray();
    List<Integer> keep = new java.util.ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      if (map[test.label(i)] >= 0) {
        keep.add(i);
      }
    }
    byte[][] px = keep.stream().map(test::pixels).toArray(byte[][]::new);
    int[] ys = keep.stream().mapToInt(i -> map[test.label(i)]).toArray();
    return Evaluator.evaluate(m.graph(), new TensorDataset(px, ys, SIX.size()), null, 64, 48).accuracy();
  }

  @Test
  void fineTunedShippedModelBeatsFromScratchAndNamesItsParent() throws Exception {
    Path scratch = tmp.resolve("scratch");
    Path tuned = tmp.resolve("tuned");
    Run s = train(sixClassRun(scratch, "--arch", "vgg-bn"));
    assertThat(s.code()).as(s.err()).isZero();
    Run t = train(sixClassRun(tuned, "--init-from", SHIPPED.toString(), "--freeze-until", "2"));
    assertThat(t.code()).as(t.err()).isZero();

    double scratchAcc = testAccuracy(scratch.resolve("model.zip"));
    double tunedAcc = testAccuracy(tuned.resolve("model.zip"));
    System.out.printf("6 classes of data/sample, 1 epoch: fine-tuned %.3f, from scratch %.3f on 60 test faces%n",
        tunedAcc, scratchAcc);
    assertThat(tunedAcc).as("fine-tuned vs scratch (%s)", scratchAcc).isGreaterThan(scratchAcc + 0.15);

    LoadedModel model = ModelFile.load(tuned.resolve("model.zip"), false);
    ModelMetadata meta = model.metadata();
    assertThat(meta.classNames()).isEqualTo(SIX);
    assertThat(meta.architecture()).isEqualTo("vgg-bn");
    Map<?, ?> parent = (Map<?, ?>) meta.trainingConfig().get("parent");
    assertThat(parent.get("sha256")).isEqualTo(ModelFile.sha256(SHIPPED));
    assertThat(parent.get("path")).isEqualTo(SHIPPED.toString());
    assertThat(parent.get("freezeUntil")).isEqualTo("s2_pool");
    assertThat((List<?>) parent.get("outputRowsCopied")).isEqualTo(SIX);
    List<?> history = (List<?>) meta.trainingConfig().get("history");
    assertThat(history).hasSize(1);
    assertThat(((Map<?, ?>) history.get(0)).get("epoch")).isEqualTo(1);

    ComputationGraph shipped = ModelFile.load(SHIPPED, false).graph();
    assertThat(model.graph().getLayer("s1_1_conv").getParam("W")).as("frozen block 1")
        .isEqualTo(shipped.getLayer("s1_1_conv").getParam("W"));
    assertThat(model.graph().getLayer("s3_1_conv").getParam("W")).as("block 3 trained")
        .isNotEqualTo(shipped.getLayer("s3_1_conv").getParam("W"));
    assertExportedModelMatches(tuned.resolve("model.zip"), model.graph());
  }

  /** A fine-tuned network (frozen layers wrapped) exports to ONNX with the same probabilities. */
  private void assertExportedModelMatches(Path model, ComputationGraph graph) throws Exception {
    Path onnx = tmp.resolve("tuned.onnx");
    ExportJob.run(model, onnx, false, false);
    int n = 8;
    float[] faces = new float[n * 48 * 48];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < faces.length; i++) {
      faces[i] = r.nextFloat();
    }
    float[][] expected = graph.outputSingle(false, org.nd4j.linalg.factory.Nd4j.create(faces,
        new long[] {n, 1, 48, 48}, org.nd4j.linalg.api.buffer.DataType.FLOAT)).toFloatMatrix();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(faces), new long[] {n, 1, 48, 48});
        OrtSession.Result res = session.run(Map.of("input", in))) {
      float[][] actual = (float[][]) res.get(0).getValue();
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < SIX.size(); c++) {
          assertThat((double) actual[i][c]).isCloseTo(expected[i][c], org.assertj.core.api.Assertions.within(1e-4));
        }
      }
      assertThat(session.getMetadata().getCustomMetadata().get("class_names")).isEqualTo(String.join(",", SIX));
    }
  }

  @Test
  void badFineTuneInputIsOneErrorWithExitCode2AndNothingWritten() throws Exception {
    Path out = tmp.resolve("out");
    Path notModel = Files.writeString(tmp.resolve("notes.zip"), "no model");
    ComputationGraph big = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7).withInputSize(64));
    Path wrongShape = tmp.resolve("tiny64.zip");
    ModelFile.save(big, ModelMetadata.of(Emotion.labelNames(7), "tiny-cnn", Map.of(), "none")
        .withInputShape(List.of(1, 64, 64)), wrongShape, false);
    String shipped = SHIPPED.toString();
    Map<String[], String> cases = new java.util.LinkedHashMap<>();
    cases.put(sixClassRun(out, "--init-from", notModel.toString()), "not a zip file");
    cases.put(sixClassRun(out, "--init-from", wrongShape.toString()), "takes input [1, 64, 64]");
    cases.put(sixClassRun(out, "--init-from", shipped, "--arch", "paper-cnn"), "a fine-tune keeps the parent's");
    cases.put(sixClassRun(out, "--init-from", shipped, "--freeze-until", "s9_conv"), "names no layer");
    cases.put(sixClassRun(out, "--init-from", shipped, "--freeze-until", "7"), "4 pooling blocks");
    cases.put(sixClassRun(out, "--init-from", shipped, "--set", "fer.train.labels.merge.disgust=grumpy"),
        "'grumpy' is not a class of the dataset");
    cases.put(sixClassRun(out, "--init-from", shipped, "--set", "fer.train.labels.merge.disgust=angry",
        "--set", "fer.train.labels.merge.angry=sad"), "ambiguous");
    cases.put(sixClassRun(out, "--arch", "vgg-bn", "--freeze-until", "2"), "--freeze-until applies to --init-from");
    for (Map.Entry<String[], String> c : cases.entrySet()) {
      Run r = train(c.getKey());
      assertThat(r.code()).as("%s: %s", c.getValue(), r.err()).isEqualTo(JobRunner.USAGE);
      assertThat(r.err()).contains(c.getValue());
      assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(out).as("nothing written for %s", c.getValue()).doesNotExist();
    }
  }
}
