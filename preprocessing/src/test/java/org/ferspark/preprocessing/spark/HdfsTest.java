package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.ferspark.preprocessing.config.FerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code hdfs://} input and output work: a Hadoop MiniDFSCluster (one name node, one data node, under
 * {@code target/}) holds a small folder dataset; the pipeline reads it and writes tensors, rejects and the
 * manifest back to HDFS.
 */
class HdfsTest {
  @TempDir
  static Path tmp;
  static MiniDFSCluster cluster;
  static FileSystem hdfs;
  static SparkSession spark;

  @BeforeAll
  static void startClusterAndSpark() throws IOException {
    java.io.File base = Path.of("target", "minidfs").toAbsolutePath().toFile();
    FileUtils.deleteQuietly(base);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    conf.set("hadoop.tmp.dir", new java.io.File(base, "tmp").getAbsolutePath());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
    spark = SparkFixture.start("local[2]", false);
  }

  @AfterAll
  static void stop() {
    SparkFixture.stop(spark);
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void readsTheConfigFileFromHdfs() throws IOException {
    String root = hdfs.getUri().toString();
    try (var out = hdfs.create(new org.apache.hadoop.fs.Path(root + "/conf/fer.conf"))) {
      out.write("fer.preprocess.augment-copies = 3\nfer.preprocess.seed = 7\n".getBytes(StandardCharsets.UTF_8));
    }
    Config c = FerConfig.loadFrom(root + "/conf/fer.conf", List.of("fer.preprocess.seed=9"), Map.of());
    assertThat(c.getInt("fer.preprocess.augment-copies")).isEqualTo(3);
    assertThat(c.getInt("fer.preprocess.seed")).as("--set wins over the file").isEqualTo(9);

    assertThatThrownBy(() -> FerConfig.loadFrom(root + "/conf/missing.conf", List.of(), Map.of()))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessage("config file not found: " + root + "/conf/missing.conf");
    try (var out = hdfs.create(new org.apache.hadoop.fs.Path(root + "/conf/typo.conf"))) {
      out.write("fer.preprocess.augment-copeis = 3\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> FerConfig.loadFrom(root + "/conf/typo.conf", List.of(), Map.of()))
        .isInstanceOf(FerConfig.ConfigError.class).hasMessageContaining("fer.preprocess.augment-copeis")
        .hasMessageContaining(root + "/conf/typo.conf");
  }

  @Test
  void readsAndWritesHdfsPaths() throws IOException {
    Path local = tmp.resolve("small");
    Path sample = SparkFixture.sampleData().resolve("train");
    for (String label : List.of("happy", "surprise")) {
      SparkFixture.copyFirst(sample.resolve(label), local.resolve(label), 5);
    }
    java.nio.file.Files.write(local.resolve("happy/empty.jpg"), new byte[0]);
    String root = hdfs.getUri().toString();
    org.apache.hadoop.fs.Path input = new org.apache.hadoop.fs.Path(root + "/datasets/small");
    hdfs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), input);
    assertThat(hdfs.listStatus(new org.apache.hadoop.fs.Path(input, "happy"))).as("files copied into HDFS").hasSize(6);
    String output = root + "/out/small";

    PreprocessReport report = PreprocessPipeline.run(spark, SparkFixture.settings(input.toString(), output, false,
        Map.of("fer.preprocess.augment-copies", 1)));

    assertThat(report.manifest()).as("manifest location").startsWith("hdfs://");
    assertThat(hdfs.exists(new org.apache.hadoop.fs.Path(output, TensorSchema.MANIFEST))).as("manifest on HDFS").isTrue();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    JsonNode manifest = SparkFixture.manifest(output, hadoop);
    assertThat(manifest.path("inputs").asLong()).as("manifest inputs").isEqualTo(11);
    assertThat(manifest.path("rejected").path("byReason").path("empty-file").asLong()).as("empty-file rejects")
        .isEqualTo(1);
    Map<String, SparkFixture.Tensor> tensors = SparkFixture.tensors(spark, output);
    long originals = tensors.values().stream().filter(t -> t.copy() == 0).count();
    assertThat(originals).as("original rows read back from HDFS").isEqualTo(10).isEqualTo(report.originals());
    long total = 0;
    for (String split : List.of("train", "validation", "test")) {
      long rows = tensors.values().stream().filter(t -> t.split().equals(split)).count();
      assertThat(rows).as("rows of split=%s read from HDFS vs manifest", split)
          .isEqualTo(manifest.path("splits").path(split).path("total").asLong());
      total += rows;
    }
    assertThat(total).as("all rows").isEqualTo(report.originals() + report.augmented());
    assertThat(tensors.values()).as("sources are HDFS URIs").allMatch(t -> t.source().startsWith("hdfs://"));
    assertThat(SparkFixture.rejects(output, hadoop)).as("rejects/ on HDFS").hasSize(1);
    assertThat(hdfs.listStatus(new org.apache.hadoop.fs.Path(output, TensorSchema.TENSORS_DIR)))
        .as("split folders on HDFS").extracting(s -> s.getPath().getName()).contains("split=train");
  }
}
