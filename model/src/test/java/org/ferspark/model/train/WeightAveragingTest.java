package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.net.ArchitectureOptions;
import org.ferspark.model.net.Architectures;
import org.junit.jupiter.api.Test;

/** {@link WeightAveraging}: the parameter mean of networks of one architecture, refused for anything else. */
class WeightAveragingTest {

  static ComputationGraph vgg(long seed, double width) {
    return Architectures.build("vgg-bn", ArchitectureOptions.defaults(7).withSeed(seed).withWidth(width));
  }

  @Test
  void averagesEveryParameterUniformlyAndLeavesTheSourcesAlone() {
    ComputationGraph a = vgg(1, 0.25);
    ComputationGraph b = vgg(2, 0.25);
    ComputationGraph c = vgg(3, 0.25);
    float[] pa = a.params().toFloatVector();
    float[] pb = b.params().toFloatVector();
    float[] pc = c.params().toFloatVector();

    ComputationGraph avg = WeightAveraging.average(List.of(a, b, c), List.of("a", "b", "c"));

    float[] p = avg.params().toFloatVector();
    assertThat(p).hasSameSizeAs(pa);
    for (int i = 0; i < p.length; i++) {
      assertThat(p[i]).as("parameter %d", i).isCloseTo((pa[i] + pb[i] + pc[i]) / 3f,
          org.assertj.core.data.Offset.offset(1e-6f));
    }
    assertThat(a.params().toFloatVector()).as("sources unchanged").containsExactly(pa);
    assertThat(avg).isNotSameAs(a);
  }

  @Test
  void refusesOneNetworkAndNetworksOfAnotherArchitectureOrWidth() {
    ComputationGraph a = vgg(1, 0.25);
    assertThatThrownBy(() -> WeightAveraging.average(List.of(a), List.of("a.zip")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two");
    assertThatThrownBy(() -> WeightAveraging.average(List.of(a, vgg(2, 0.5)), List.of("a.zip", "wide.zip")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wide.zip").hasMessageContaining("a.zip").hasMessageContaining("width");
    ComputationGraph tiny = Architectures.build("tiny-cnn", ArchitectureOptions.defaults(7));
    assertThatThrownBy(() -> WeightAveraging.average(List.of(a, tiny), List.of("a.zip", "tiny.zip")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tiny.zip has layers");
  }

  @Test
  void samplesDistinctSortedIndicesTheSameWayForOneSeed() {
    int[] s = WeightAveraging.sample(100, 30, 7);
    assertThat(s).hasSize(30).isSorted().doesNotHaveDuplicates();
    assertThat(Arrays.stream(s).allMatch(i -> i >= 0 && i < 100)).isTrue();
    assertThat(WeightAveraging.sample(100, 30, 7)).containsExactly(s);
    assertThat(WeightAveraging.sample(100, 30, 8)).isNotEqualTo(s);
    assertThat(WeightAveraging.sample(10, 10, 1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }
}
