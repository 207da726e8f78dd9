package org.ferspark.evaluation.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.evaluation.metrics.MetricsAccumulator;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real mini-Xception peer (../shared/peers beside the checkout) through DL4J's Keras import. */
class KerasPeerTest {
  static final Path PEER = Path.of(System.getProperty("fer.repo.root", ".."))
      .resolve("../shared/peers/mini_xception_fer2013.hdf5").normalize();
  static final String SPEC = "keras:" + PEER + ":size=64,scale=symmetric,"
      + "labels=angry,disgust,fear,happy,sad,surprise,neutral";

  @TempDir Path tmp;

  @Test
  void importsMiniXceptionAndScoresSampleFacesWithProbabilities() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(PEER), "no peer model at " + PEER);
    PreparedModel peer = PreparedModel.prepare(PeerSpec.parse(SPEC), Faces.LABELS, new Configuration());
    Predictor p = peer.borrow(Faces.LABELS);
    try {
      assertThat(p.graph()).isInstanceOf(ComputationGraph.class);
      assertThat(peer.metadata()).containsEntry("kind", "keras").containsEntry("input_size", 64)
          .containsEntry("parameters", 58423L);
      List<Faces.Face> faces = Faces.sample("test");
      byte[][] px = faces.stream().map(Faces.Face::pixels).toArray(byte[][]::new);
      float[][] probs = p.predict(px, px.length, 48);
      float[][] tta = p.predictTta(px, 4, 48);
      MetricsAccumulator acc = new MetricsAccumulator(7);
      for (int i = 0; i < faces.size(); i++) {
        double sum = 0;
        for (float v : probs[i]) {
          sum += v;
        }
        assertThat(sum).as("probabilities of %s", faces.get(i).id()).isCloseTo(1.0, within(1e-4));
        acc.add(faces.get(i).label(), probs[i]);
      }
      double accuracy = acc.toMetrics(Faces.LABELS).accuracy();
      System.out.printf("mini-Xception on data/sample/test (%d faces): accuracy %.3f%n", faces.size(), accuracy);
      // trained on FER2013 (partly on its test images): far above chance (1/7) only with the right convention
      assertThat(accuracy).isGreaterThan(0.4);
      assertThat(tta[0]).isNotEqualTo(probs[0]);
      assertThat(tta[0][0] + tta[0][1] + tta[0][2] + tta[0][3] + tta[0][4] + tta[0][5] + tta[0][6])
          .isCloseTo(1f, within(1e-4f));
      // oneDNN's batch-norm helper corrupts this channels-last graph (LayerHelpers): none may be left, in copies too
      assertThat(p.graph().getLayers()).allMatch(l -> l.getHelper() == null);
      assertThat(p.copy().graph().getLayers()).allMatch(l -> l.getHelper() == null);
    } finally {
      PredictorCache.release(peer.key(), p);
    }
  }

  @Test
  void aFileThatIsNotHdf5IsAClearErrorNamingIt() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("peer.hdf5"), "not an HDF5 file");
    assertThatThrownBy(() -> PreparedModel.prepare(PeerSpec.parse("keras:" + bogus), Faces.LABELS,
        new Configuration())).isInstanceOf(InputError.class)
        .hasMessageStartingWith(bogus.toString()).hasMessageContaining("not a Keras HDF5 model");
    assertThatThrownBy(() -> PreparedModel.prepare(PeerSpec.parse("keras:" + tmp.resolve("absent.h5")),
        Faces.LABELS, new Configuration())).isInstanceOf(InputError.class).hasMessageContaining("no such file");
  }

  @Test
  void labelsThatShareFewerThanTwoClassesWithTheDatasetAreRefused() {
    Assumptions.assumeTrue(Files.isRegularFile(PEER), "no peer model at " + PEER);
    assertThatThrownBy(() -> PreparedModel.prepare(PeerSpec.parse("keras:" + PEER
        + ":size=64,labels=calm,bored,tired,proud,shy,awe,angry"), Faces.LABELS, new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("calm")
        .hasMessageContaining("the dataset's classes are").hasMessageContaining("at least 2 classes");
  }
}
