package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --report hdfs://...}: the staged report copied to a MiniDFSCluster with the temp-then-rename protocol. */
class HadoopReportTest {
  @TempDir static Path tmp;
  static MiniDFSCluster cluster;
  static FileSystem hdfs;
  static Configuration conf;

  @BeforeAll
  static void startHdfs() throws IOException {
    conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("minidfs").toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
    conf = hdfs.getConf();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void copiesEveryFileRenamedIntoPlaceAndRefusesToReplaceWithoutOverwrite() throws IOException {
    Path staging = tmp.resolve("staging");
    write(staging.resolve("metrics.json"), "{\"accuracy\": 0.5}");
    write(staging.resolve("index.html"), "<html>one</html>");
    write(staging.resolve("vgg/metrics.json"), "{\"accuracy\": 0.6}");
    String report = hdfs.getUri() + "/reports/run1";
    assertThat(HadoopReport.isHadoop(report)).isTrue();
    assertThat(HadoopReport.isHadoop("file:/tmp/r")).isFalse();
    assertThat(HadoopReport.isHadoop("out/report")).isFalse();

    HadoopReport.checkTarget(report, false, conf);
    HadoopReport.publish(staging, report, false, conf);

    assertThat(files(report)).containsExactlyInAnyOrder("/reports/run1/index.html", "/reports/run1/metrics.json",
        "/reports/run1/vgg/metrics.json");
    assertThat(read(report + "/vgg/metrics.json")).isEqualTo("{\"accuracy\": 0.6}");
    assertThatThrownBy(() -> HadoopReport.checkTarget(report, false, conf)).isInstanceOf(InputError.class)
        .hasMessageContaining("already holds an evaluation report").hasMessageContaining("--overwrite");

    Path second = tmp.resolve("staging2");
    write(second.resolve("metrics.json"), "{\"accuracy\": 0.7}");
    write(second.resolve("index.html"), "<html>two</html>");
    HadoopReport.checkTarget(report, true, conf);
    HadoopReport.publish(second, report, true, conf);
    assertThat(files(report)).as("the earlier report's files are replaced, none left over")
        .containsExactlyInAnyOrder("/reports/run1/index.html", "/reports/run1/metrics.json");
    assertThat(read(report + "/index.html")).isEqualTo("<html>two</html>");

    try (var out = hdfs.create(new org.apache.hadoop.fs.Path("/reports/a-file"))) {
      out.write(1);
    }
    assertThatThrownBy(() -> HadoopReport.checkTarget(hdfs.getUri() + "/reports/a-file", true, conf))
        .isInstanceOf(InputError.class).hasMessageContaining("is a file, not a directory");
  }

  private static List<String> files(String dir) throws IOException {
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = hdfs.listFiles(new org.apache.hadoop.fs.Path(dir), true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toUri().getPath());
    }
    return out;
  }

  private static String read(String file) throws IOException {
    try (var in = hdfs.open(new org.apache.hadoop.fs.Path(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
