package org.ferspark.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.ferspark.jobs.JobRunner;
import org.ferspark.jobs.TrainJob;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.train.TrainSettings;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.config.PreprocessSettings;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.spark.PreprocessPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.sh --data hdfs://... --out hdfs://... [--resume] [--init-from hdfs://...]} on a MiniDFSCluster: the
 * remote output holds whole files only (temp then rename), pruned checkpoints are deleted there too, a used output is
 * refused, a run resumes from the remote checkpoints, and a fine-tune starts from a model on HDFS.
 */
class HdfsTrainTest {
  @TempDir static Path tmp;
  static MiniDFSCluster cluster;
  static FileSystem hdfs;
  static SparkSession spark;
  static String data;

  @BeforeAll
  static void hdfsAndTensors() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("minidfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
    spark = SparkSession.builder().master("local[2]").appName("HdfsTrainTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
        .getOrCreate();
    // preprocessed locally and copied up: writing Parquet through a MiniDFSCluster is slow, and HdfsTest covers it
    Path local = tmp.resolve("sample");
    String input = Path.of(System.getProperty("fer.repo.root", "..")).resolve("data/sample").toString();
    PreprocessPipeline.run(spark, PreprocessSettings.from(FerConfig.load(null, List.of(), Map.of()), input,
        local.toString(), true));
    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/data/sample"));
    data = hdfs.getUri() + "/data/sample";
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void trainsResumesAndFineTunesOnHdfs() throws IOException {
    String out = hdfs.getUri() + "/runs/tiny";
    TrainJob.Report first = TrainJob.run(spark, settings("fer.train.epochs=2"), data, out, false, false,
        TrainJob.Start.FRESH);
    assertThat(first.result().lastEpoch()).isEqualTo(2);
    assertThat(files("/runs/tiny")).as("keep-last=1: epoch 1 pruned remotely too; no temporary file, no claim")
        .containsExactlyInAnyOrder("/runs/tiny/model.zip", "/runs/tiny/history.csv", "/runs/tiny/history.json",
            "/runs/tiny/checkpoints/epoch-002.zip", "/runs/tiny/checkpoints/best.zip");
    assertThat(first.result().model()).as("the local staging directory is removed").doesNotExist();
    assertThat(read("/runs/tiny/history.csv").lines().count()).isEqualTo(3);
    Path copy = tmp.resolve("model.zip");
    hdfs.copyToLocalFile(new org.apache.hadoop.fs.Path("/runs/tiny/model.zip"),
        new org.apache.hadoop.fs.Path(copy.toUri()));
    assertThat(ModelFile.load(copy, false).metadata().classes()).isEqualTo(7);

    assertThatThrownBy(() -> TrainJob.run(null, settings("fer.train.epochs=2"), data, out, false, false,
        TrainJob.Start.FRESH)).isInstanceOf(InputError.class).hasMessageContaining("already holds a trained model")
        .hasMessageContaining(out);

    TrainJob.Report resumed = TrainJob.run(null, settings("fer.train.epochs=3"), data, out, true, false,
        TrainJob.Start.FRESH);
    assertThat(resumed.result().resumedFrom()).as("resumed from the checkpoint on HDFS").isEqualTo(2);
    assertThat(resumed.result().lastEpoch()).isEqualTo(3);
    assertThat(files("/runs/tiny")).contains("/runs/tiny/checkpoints/epoch-003.zip")
        .doesNotContain("/runs/tiny/checkpoints/epoch-002.zip");
    assertThat(read("/runs/tiny/history.csv").lines().count()).as("the remote history continues").isEqualTo(4);

    String fineTuned = hdfs.getUri() + "/runs/fine-tuned";
    assertThat(JobRunner.execute(new TrainJob(), new String[] {"--data", data, "--out", fineTuned, "--no-spark",
        "--init-from", out + "/model.zip", "--freeze-until", "1", "--epochs", "1", "--set",
        "fer.train.train-eval-samples=0"}))
        .isEqualTo(JobRunner.OK);
    assertThat(files("/runs/fine-tuned")).contains("/runs/fine-tuned/model.zip");
  }

  private static TrainSettings settings(String... more) {
    List<String> sets = new ArrayList<>(List.of("fer.train.arch=tiny-cnn", "fer.train.batch=32",
        "fer.train.train-eval-samples=0", "fer.train.checkpoints.keep-last=1"));
    sets.addAll(List.of(more));
    return TrainSettings.from(FerConfig.load(null, sets, Map.of()));
  }

  private static List<String> files(String dir) throws IOException {
    List<String> found = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = hdfs.listFiles(new org.apache.hadoop.fs.Path(dir), true);
    while (it.hasNext()) {
      found.add(it.next().getPath().toUri().getPath());
    }
    return found;
  }

  private static String read(String file) throws IOException {
    try (var in = hdfs.open(new org.apache.hadoop.fs.Path(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
