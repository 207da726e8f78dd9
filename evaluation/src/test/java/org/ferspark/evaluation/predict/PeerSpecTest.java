package org.ferspark.evaluation.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ferspark.evaluation.predict.FaceViews.Interpolation;
import org.ferspark.evaluation.predict.InputConvention.Scale;
import org.ferspark.preprocessing.config.FerConfig;
import org.junit.jupiter.api.Test;

class PeerSpecTest {

  @Test
  void parsesPathAndOptionsWithTheLabelList() {
    ModelSpec s = PeerSpec.parse("keras:/work/peers/mini_xception.hdf5:size=64,scale=symmetric,"
        + "labels=angry,disgust,fear,happy,sad,surprise,neutral,interpolation=area");
    assertThat(s.kind()).isEqualTo(ModelSpec.Kind.KERAS);
    assertThat(s.name()).isEqualTo("mini_xception");
    assertThat(s.location()).isEqualTo("/work/peers/mini_xception.hdf5");
    assertThat(s.convention()).isEqualTo(new InputConvention(64, Scale.SYMMETRIC, true, Interpolation.AREA,
        List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")));
  }

  @Test
  void defaultsAndPathsWithColons() {
    ModelSpec s = PeerSpec.parse("keras:hdfs://nn:8020/peers/m.h5");
    assertThat(s.location()).isEqualTo("hdfs://nn:8020/peers/m.h5");
    assertThat(s.name()).isEqualTo("m");
    assertThat(s.convention()).isEqualTo(new InputConvention(48, Scale.UNIT, true, Interpolation.LINEAR,
        List.of()));
    ModelSpec named = PeerSpec.parse("KERAS:hdfs://nn:8020/p/m.h5:name=xception,channels=first,scale=RAW");
    assertThat(named.location()).isEqualTo("hdfs://nn:8020/p/m.h5");
    assertThat(named.name()).isEqualTo("xception");
    assertThat(named.convention().channelsLast()).isFalse();
    assertThat(named.convention().scale()).isEqualTo(Scale.RAW);
  }

  @Test
  void errorsNameTheSpecAndTheProblem() {
    assertBad("onnx:/m.onnx", "unknown peer kind 'onnx'; supported: keras");
    assertBad("/m.hdf5", "expected KIND:PATH");
    assertBad("keras::size=64", "no model file path");
    assertBad("keras:/m.hdf5:sise=64", "unknown option 'sise'; valid: name, size, scale");
    assertBad("keras:/m.hdf5:size=big", "size must be an integer");
    assertBad("keras:/m.hdf5:scale=minmax", "scale must be one of unit, symmetric, raw, got 'minmax'");
    assertBad("keras:/m.hdf5:channels=middle", "channels must be last or first");
    assertBad("keras:/m.hdf5:size=64,64", "'64' is not key=value");
    assertBad("keras:/m.hdf5:labels=a,b,a", "labels lists a class twice");
    assertBad("keras:/m.hdf5:size=64,size=48", "option 'size' given twice");
  }

  @Test
  void repeatedNamesGetSuffixes() {
    List<ModelSpec> specs = ModelSpec.uniqueNames(List.of(ModelSpec.fer("/a/model.zip"),
        ModelSpec.fer("/b/model.zip"), ModelSpec.fer("/c/my model.zip")));
    assertThat(specs).extracting(ModelSpec::name).containsExactly("model", "model-2", "my_model");
  }

  private static void assertBad(String spec, String message) {
    assertThatThrownBy(() -> PeerSpec.parse(spec)).isInstanceOf(FerConfig.ConfigError.class)
        .hasMessageContaining("--peer '" + spec + "'").hasMessageContaining(message);
  }
}
