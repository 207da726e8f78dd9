package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.Emotion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Label sets and the fine-tuned network's output layer, on a tiny-cnn parent (no training here). */
class FineTuneTest {
  static final List<String> SEVEN = Emotion.labelNames(7);
  @TempDir static Path dir;
  static Path parentFile;
  static ComputationGraph parent;

  @BeforeAll
  static void parent() throws Exception {
    parent = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7));
    parentFile = dir.resolve("parent.zip");
    ModelFile.save(parent, ModelMetadata.of(SEVEN, "tiny-cnn", Map.of(), "fp"), parentFile, false);
  }

  static TrainSettings settings() {
    return TrainSettings.from(FerConfig.load(null, List.of("fer.train.arch=tiny-cnn"), Map.of()));
  }

  static DatasetManifest manifest(List<String> labels) {
    return new DatasetManifest(labels, 48, 48, "fp2", new long[labels.size()], Map.of("train", 1L));
  }

  static Config labels(String hocon) {
    return ConfigFactory.parseString("fer.train.labels {" + hocon + "}")
        .withFallback(ConfigFactory.parseString("fer.train.labels { drop = [], merge {} }"));
  }

  static INDArray column(ComputationGraph g, int c) {
    return g.getLayer("output").getParam("W").getColumn(c).dup();
  }

  @Test
  void supersetKeepsTheParentsRowsAndStartsContemptFresh() {
    FineTune ft = FineTune.plan(parentFile, "pool1", 48);
    ComputationGraph net = ft.build(settings(), manifest(Emotion.labelNames(8)));

    assertThat(net.getLayer("output").getParam("W").shape()).containsExactly(32, 8);
    for (int c = 0; c < 7; c++) {
      assertThat(column(net, c)).as("row of %s", SEVEN.get(c)).isEqualTo(column(parent, c));
      assertThat(net.getLayer("output").getParam("b").getDouble(c))
          .isEqualTo(parent.getLayer("output").getParam("b").getDouble(c));
    }
    assertThat(column(net, 7).norm2Number().doubleValue()).as("contempt initialised").isPositive();
    assertThat(net.getLayer("conv1")).isInstanceOf(FrozenLayer.class);
    assertThat(net.getLayer("pool1")).isInstanceOf(FrozenLayer.class);
    assertThat(net.getLayer("dense")).isNotInstanceOf(FrozenLayer.class);
    assertThat(net.getConfiguration().getCacheMode()).isEqualTo(CacheMode.DEVICE);
    assertThat(ft.parentInfo(Emotion.labelNames(8))).containsEntry("outputRowsNew", List.of("contempt"))
        .containsEntry("freezeUntil", "pool1").containsEntry("architecture", "tiny-cnn");
  }

  @Test
  void subsetInAnotherOrderCopiesEachClassesOwnRow() {
    List<String> run = List.of("happy", "sad", "angry");
    ComputationGraph net = FineTune.plan(parentFile, null, 48).build(settings(), manifest(run));
    assertThat(column(net, 0)).isEqualTo(column(parent, SEVEN.indexOf("happy")));
    assertThat(column(net, 1)).isEqualTo(column(parent, SEVEN.indexOf("sad")));
    assertThat(column(net, 2)).isEqualTo(column(parent, SEVEN.indexOf("angry")));
    assertThat(net.getLayer("conv1").getParam("W")).isEqualTo(parent.getLayer("conv1").getParam("W"));
  }

  @Test
  void mergeTrainsDisgustAsAngryAndDropLeavesNeutralOut() {
    LabelSet set = LabelSet.from(labels("merge { disgust = angry }, drop = [neutral]"), SEVEN, SEVEN);
    assertThat(set.labels()).containsExactly("angry", "fear", "happy", "sad", "surprise");
    assertThat(set.map()).containsExactly(0, 0, 1, 2, 3, 4, -1);
    TensorDataset data = new TensorDataset(new byte[][] {{1}, {2}, {3}}, new int[] {1, 6, 3}, 7);
    TensorDataset mapped = set.apply(data);
    assertThat(mapped.labels()).containsExactly(0, 2);
    assertThat(mapped.pixels(1)).containsExactly(3);
    DatasetManifest m = set.apply(new DatasetManifest(SEVEN, 48, 48, "f", new long[] {10, 2, 5, 7, 6, 4, 9},
        Map.of()));
    assertThat(m.trainOriginalByClass()).containsExactly(12, 5, 7, 6, 4);
    assertThat(LabelSet.from(labels(""), SEVEN, List.of()).isIdentity()).isTrue();
  }

  @Test
  void mappingErrorsNameTheKeyAndTheClass() {
    assertThatThrownBy(() -> LabelSet.from(labels("merge { disgust = grumpy }"), SEVEN, SEVEN))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.labels.merge.disgust")
        .hasMessageContaining("'grumpy' is not a class of the dataset").hasMessageContaining("nor of the parent");
    assertThatThrownBy(() -> LabelSet.from(labels("merge { contempt = angry }"), SEVEN, Emotion.labelNames(8)))
        .hasMessageContaining("only of the parent model");
    assertThatThrownBy(() -> LabelSet.from(labels("merge { disgust = angry, angry = sad }"), SEVEN, SEVEN))
        .hasMessageContaining("ambiguous");
    assertThatThrownBy(() -> LabelSet.from(labels("merge { disgust = neutral }, drop = [neutral]"), SEVEN, SEVEN))
        .hasMessageContaining("ambiguous");
    assertThatThrownBy(() -> FineTune.plan(parentFile, "conv9", 48)).isInstanceOf(FerConfig.ConfigError.class)
        .hasMessageContaining("names no layer").hasMessageContaining("conv1");
    assertThatThrownBy(() -> FineTune.plan(parentFile, "output", 48)).hasMessageContaining("output layer");
    assertThatThrownBy(() -> FineTune.plan(parentFile, null, 64)).hasMessageContaining("takes input [1, 48, 48]");
  }
}
