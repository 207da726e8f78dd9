package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class TensorDatasetTest {
  @TempDir Path tmp;

  @Test
  void readsEverySampleImageWithItsLabelAndBatchesThemAsOneFloatArray() throws IOException {
    Path data = SampleTensors.write(tmp);
    DatasetManifest m = DatasetManifest.read(data.toString(), new Configuration());
    TensorDataset train = TensorDataset.read(data.toString(), "train", m, new Configuration());

    assertThat(m.labels()).hasSize(7).startsWith("angry");
    assertThat(train.size()).isEqualTo(280);
    assertThat(train.classCounts()).containsOnly(40L);
    DataSet batch = new Batches(48, 7, 0.1, null).of(train, new int[] {0, 1, 2}, 0, 3, null);
    assertThat(batch.getFeatures().shape()).containsExactly(3, 1, 48, 48);
    assertThat(batch.getFeatures().maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
    assertThat(batch.getFeatures().getDouble(0, 0, 0, 0)).isEqualTo((train.pixels(0)[0] & 0xFF) / 255f, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(batch.getLabels().getRow(0).sumNumber().doubleValue()).as("smoothed one-hot sums to 1")
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    assertThat(batch.getLabels().getDouble(0, train.label(0))).isCloseTo(0.9 + 0.1 / 7,
        org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void missingOrEmptySplitIsAnErrorNamingIt() throws IOException {
    Path data = SampleTensors.write(tmp);
    DatasetManifest m = DatasetManifest.read(data.toString(), new Configuration());
    assertThatThrownBy(() -> TensorDataset.read(data.toString(), "holdout", m, new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("split 'holdout' is missing");
    Files.delete(data.resolve("tensors/split=test/part-00000.parquet"));
    assertThatThrownBy(() -> TensorDataset.read(data.toString(), "test", m, new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("split 'test' is empty");
    assertThatThrownBy(() -> m.requireSplit("holdout")).isInstanceOf(InputError.class)
        .hasMessageContaining("'holdout'").hasMessageContaining("missing");
  }

  @Test
  void otherSchemaVersionOrTensorShapeIsAClearError() throws IOException {
    Path v2 = SampleTensors.write(tmp.resolve("v2"), 2, 48, false);
    assertThatThrownBy(() -> DatasetManifest.read(v2.toString(), new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("schemaVersion 2").hasMessageContaining("reads 1");
    Path s64 = SampleTensors.write(tmp.resolve("s64"), 1, 64, false);
    DatasetManifest m = DatasetManifest.read(s64.toString(), new Configuration());
    assertThatThrownBy(() -> m.requireShape(48)).isInstanceOf(InputError.class).hasMessageContaining("64x64");
    assertThatThrownBy(() -> TensorDataset.read(s64.toString(), "train", m, new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("2304 bytes");
    assertThatThrownBy(() -> DatasetManifest.read(tmp.resolve("nothing").toString(), new Configuration()))
        .isInstanceOf(InputError.class).hasMessageContaining("no manifest.json");
  }
}
