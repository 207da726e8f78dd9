package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.width=1.5"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.width").hasMessageContaining("paper-cnn");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.lr-warmup-fraction=1"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.lr-warmup-fraction");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.spark.epoch-storage-level=RAM"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.spark.epoch-storage-level")
        .hasMessageContaining("MEMORY_AND_DISK_SER");
    assertThat(BalanceTest.settings("fer.train.spark.epoch-storage-level=memory_and_disk").spark().epochStorageLevel())
        .isEqualTo("MEMORY_AND_DISK");
    assertThat(BalanceTest.settings().spark().collectStats()).as("Spark training stats: off by default").isFalse();
    assertThat(BalanceTest.settings("fer.train.spark.collect-stats=true").spark().collectStats()).isTrue();
    assertThat(BalanceTest.settings("fer.train.local-replicas=3").localReplicas()).isEqualTo(3);
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.local-replicas=100"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.train.local-replicas");
    assertThatThrownBy(() -> BalanceTest.settings("fer.train.epohcs=3"))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("unknown configuration key");
  }

  @Test
  void oneCycleWarmsUpLinearlyThenAnnealsOnACosineToTheFinalRate() {
    TrainSettings s = BalanceTest.settings("fer.train.arch=vgg-bn", "fer.train.width=1.5", "fer.train.epochs=20",
        "fer.train.optimizer=sgd-nesterov", "fer.train.learning-rate=0.05", "fer.train.lr-schedule=one-cycle");
    assertThat(s.width()).isEqualTo(1.5);
    assertThat(s.asMap()).containsEntry("width", 1.5).containsEntry("lrSchedule", "one-cycle");
    var schedule = NetworkFactory.schedule(s);
    double[] lr = new double[20];
    for (int e = 0; e < 20; e++) {
      lr[e] = schedule.valueAt(0, e);
      assertThat(lr[e]).as("epoch %s", e).isCloseTo(NetworkFactory.oneCycle(0.05, 0.15, 20, e), within(1e-12));
    }
    // warm-up over round(0.15 * 20) = 3 epochs: 0.002, 0.018, 0.034, then the peak
    assertThat(lr[0]).isCloseTo(0.002, within(1e-12));
    assertThat(lr[1]).isCloseTo(0.002 + 0.048 / 3, within(1e-12));
    assertThat(lr[3]).isCloseTo(0.05, within(1e-12));
    assertThat(lr[19]).isCloseTo(0.05 / 25 / 1e4, within(1e-15));
    for (int e = 3; e < 19; e++) {
      assertThat(lr[e + 1]).as("falls after the peak, epoch %s", e).isLessThan(lr[e]);
    }
    assertThat(NetworkFactory.oneCycle(0.05, 0, 10, 0)).as("no warm-up: starts at the peak").isEqualTo(0.05);
    assertThat(NetworkFactory.oneCycle(0.05, 0.5, 1, 0)).as("one epoch").isEqualTo(0.05);
  }
}
