package org.ferspark.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.model.io.ModelFile;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --resume} after a damaged checkpoint or a kill during a checkpoint write (tiny-cnn on data/sample). */
class ResumeFallbackTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  static DatasetManifest manifest;
  static TensorDataset train;
  static TensorDataset validation;

  @BeforeAll
  static void tensors() throws IOException {
    String data = SampleTensors.write(shared.resolve("data")).toString();
    manifest = DatasetManifest.read(data, new Configuration());
    train = TensorDataset.read(data, "train", manifest, new Configuration());
    validation = TensorDataset.read(data, "validation", manifest, new Configuration());
  }

  private static TrainingLoop.Result train(int epochs, Path out, boolean resume) throws IOException {
    TrainSettings s = TrainingLoopTest.settings(epochs, "fer.train.train-eval-samples=0");
    return new TrainingLoop(s, manifest, validation, null, out).run(new LocalEpochTrainer(train, s), resume, false);
  }

  @Test
  void resumeSkipsATruncatedNewestCheckpointAndRemovesLeftoverTemporaryFiles() throws IOException {
    Path out = tmp.resolve("run");
    train(3, out, false);
    Path newest = out.resolve("checkpoints/epoch-003.zip");
    truncateToHalf(newest);
    Path leftover = out.resolve("checkpoints/.epoch-004.zip.8123456789.tmp");
    Path leftoverHistory = out.resolve(".history.json.42.tmp");
    Files.write(leftover, new byte[1000]);
    Files.write(leftoverHistory, new byte[10]);
    Path foreign = out.resolve("checkpoints/notes.tmp");
    Files.writeString(foreign, "not ours");

    TrainingLoop.Result resumed = train(4, out, true);

    assertThat(resumed.resumedFrom()).as("epoch-003.zip is truncated: resumed from epoch 2").isEqualTo(2);
    assertThat(resumed.lastEpoch()).isEqualTo(4);
    assertThat(resumed.history()).extracting(HistoryRow::epoch).containsExactly(1, 2, 3, 4);
    assertThat(ModelFile.load(newest, true).metadata().trainingConfig()).containsKey(TrainingLoop.STATE);
    assertThat(leftover).doesNotExist();
    assertThat(leftoverHistory).doesNotExist();
    assertThat(foreign).as("only this job's temporary names are removed").exists();
    assertThat(ModelFile.load(out.resolve("model.zip"), false).metadata().classNames())
        .isEqualTo(manifest.labels());
  }

  @Test
  void saysWhichCheckpointsItSkippedAndWhyWhenNoneIsReadable() throws IOException {
    Path out = tmp.resolve("run");
    train(2, out, false);
    truncateToHalf(out.resolve("checkpoints/epoch-001.zip"));
    truncateToHalf(out.resolve("checkpoints/epoch-002.zip"));

    assertThatThrownBy(() -> train(3, out, true)).isInstanceOf(InputError.class)
        .hasMessageContaining("no checkpoint in").hasMessageContaining("epoch-002.zip (")
        .hasMessageContaining("epoch-001.zip (").hasMessageContaining("--overwrite");
  }

  @Test
  void theDirectoryListsOnlyReadableCheckpointsToResumeFrom() throws IOException {
    Path out = tmp.resolve("run");
    train(2, out, false);
    Files.writeString(out.resolve("checkpoints/epoch-002.zip"), "not a zip");

    OutputDir dir = new OutputDir(out);
    OutputDir.Checkpoint c = dir.newestReadableCheckpoint().orElseThrow();

    assertThat(c.file().getFileName()).hasToString("epoch-001.zip");
    assertThat(c.skipped()).singleElement().asString().startsWith("epoch-002.zip (")
        .contains("not a zip file");
    assertThat(c.model().graph().getUpdater().getStateViewArray()).as("loaded with its updater state").isNotNull();
  }

  private static void truncateToHalf(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
  }
}
