package org.ferspark.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArchitecturesTest {

  @Test
  void namesListEveryRegisteredArchitecture() {
    assertThat(Architectures.names()).contains("paper-cnn", "vgg-bn").isSorted();
    assertThat(Architectures.byName("paper-cnn")).isInstanceOf(PaperCnn.class);
    assertThat(Architectures.byName("vgg-bn")).isInstanceOf(VggBn.class);
  }

  @Test
  void unknownNameFailsListingTheValidNames() {
    assertThatThrownBy(() -> Architectures.byName("resnet-9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown architecture 'resnet-9000'")
        .hasMessageContaining("paper-cnn")
        .hasMessageContaining("vgg-bn");
  }

  @Test
  void everyArchitectureDescribesItself() {
    for (String name : Architectures.names()) {
      assertThat(Architectures.byName(name).description()).as(name).isNotBlank();
    }
  }
}
