package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ferspark.preprocessing.config.FerConfig;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {

  @Test
  void defaultsAreThePapersRecipe() {
    TrainSettings s = BalanceTest.settings();
    assertThat(s.arch()).isEqualTo("paper-cnn");
    assertThat(s.optimizer()).isEqualTo("adam");
    assertThat(s.learningRate()).isEqualTo(0.001);
    assertThat(s.batch()).isEqualTo(64);
    assertThat(s.epochs()).isEqualTo(30);
    assertThat(s.patience()).isEqualTo(5);
    assertThat(s.dropout()).isNull();
    assertThat(s.spark().batchSizePerWorker()).as("0 = the batch").isEqualTo(64);
    assertThat(s.spark().trainingMaster()).isEqualTo("parameter-averaging");
    assertThat(BalanceTest.settings("fer.train.batch=16").spark().batchSizePerWorker()).isEqualTo(16);
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.balance=smote"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.balance");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.arch=resnet"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.arch").hasMessageContaining("vgg-bn");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.epochs=0"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.epochs");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.learning-rate=fast"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("learning-rate");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.epohcs=3"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("unknown configuration key");
  }
}
