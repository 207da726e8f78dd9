package org.ferspark.preprocessing.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.preprocessing.dataset.InputPlan;
import org.ferspark.preprocessing.dataset.InputRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalListing} (java.nio, for {@code file:} folders) gives exactly the records of the Hadoop listing it
 * replaces, on a folder with nested, hidden and underscore entries, links (to a file, to a folder, to a folder above,
 * broken), a FIFO and an unknown-label folder; and {@link InputFiles} reads local URIs as Hadoop paths name them.
 */
class LocalListingTest {
  @TempDir
  Path tmp;

  @Test
  void listsTheRecordsOfTheHadoopListing() throws IOException, InterruptedException {
    Path root = tmp.resolve("in");
    Path happy = Files.createDirectories(root.resolve("happy"));
    Files.write(happy.resolve("a.jpg"), new byte[] {1, 2, 3});
    Files.write(happy.resolve("b c%20d.jpg"), new byte[] {4});
    Files.write(happy.resolve("_tmp.jpg"), new byte[] {5});
    Files.write(happy.resolve(".hidden.jpg"), new byte[] {6});
    Files.write(Files.createDirectories(happy.resolve(".cache")).resolve("x.jpg"), new byte[] {7});
    Files.write(Files.createDirectories(happy.resolve("sub/deeper")).resolve("e.jpg"), new byte[] {8, 9});
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.write(elsewhere.resolve("f.jpg"), new byte[10]);
    Files.createSymbolicLink(happy.resolve("link.jpg"), elsewhere.resolve("f.jpg"));
    Files.createSymbolicLink(happy.resolve("linked-folder"), elsewhere);
    Files.createSymbolicLink(happy.resolve("loop"), root);
    Files.createSymbolicLink(happy.resolve("broken.jpg"), tmp.resolve("missing.jpg"));
    assertThat(new ProcessBuilder("mkfifo", happy.resolve("pipe.jpg").toString()).start().waitFor()).as("mkfifo")
        .isZero();
    Path smile = Files.createDirectories(root.resolve("smile"));
    Files.write(smile.resolve("g.jpg"), new byte[] {1});

    String rootUri = "file:" + root;
    SerializableHadoopConf conf = new SerializableHadoopConf(new Configuration());
    for (InputPlan.LabelDir dir : List.of(
        new InputPlan.LabelDir("file:" + happy, null, 3, null, null),
        new InputPlan.LabelDir("file:" + happy, "train", 3, null, null),
        new InputPlan.LabelDir("file:" + smile, null, -1, "unknown-label", "folder 'smile' is not a known label"))) {
      List<InputRecord> local = sorted(LocalListing.list(rootUri, dir));
      List<InputRecord> hadoop = sorted(InputListing.listDir(rootUri, dir, conf));
      assertThat(local).as("java.nio listing of %s vs Hadoop's", dir).isEqualTo(hadoop).isNotEmpty();
    }
    assertThat(sorted(LocalListing.list(rootUri, new InputPlan.LabelDir("file:" + happy, null, 3, null, null))))
        .extracting(InputRecord::id, InputRecord::rejectReason, InputRecord::fileSize)
        .as("what a label folder yields")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("happy/a.jpg", null, 3L),
            org.assertj.core.groups.Tuple.tuple("happy/b c%20d.jpg", null, 1L),
            org.assertj.core.groups.Tuple.tuple("happy/link.jpg", null, 10L),
            org.assertj.core.groups.Tuple.tuple("happy/linked-folder/f.jpg", null, 10L),
            org.assertj.core.groups.Tuple.tuple("happy/loop", InputListing.LINK_LOOP, -1L),
            org.assertj.core.groups.Tuple.tuple("happy/pipe.jpg", InputListing.NOT_REGULAR, -1L),
            org.assertj.core.groups.Tuple.tuple("happy/sub/deeper/e.jpg", null, 2L));
  }

  @Test
  void readsLocalUrisAsHadoopWritesThem() throws Exception {
    Path file = Files.write(tmp.resolve("a b%20c#d.jpg"), new byte[] {1, 2, 3, 4});
    String uri = new org.apache.hadoop.fs.Path(file.toUri()).toString();
    assertThat(InputFiles.localPath(uri)).as("local path of %s", uri).isEqualTo(file.toString());
    assertThat(InputFiles.localPath("file://" + file)).as("file:// form").isEqualTo(file.toString());
    assertThat(InputFiles.localPath("hdfs://nn:8020/x.jpg")).as("another scheme").isNull();
    assertThat(InputFiles.localPath("file://host/x.jpg")).as("an authority").isNull();
    InputFiles files = new InputFiles(new Configuration(), 3);
    assertThat(new InputFiles(new Configuration(), 4).read(uri)).as("bytes of %s", uri).containsExactly(1, 2, 3, 4);
    assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(() -> files.read(uri),
        org.ferspark.preprocessing.image.RejectException.class).reason()).as("a file over the limit")
        .isEqualTo("file-too-large");
    assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(() -> files.read("file:" + tmp.resolve("no.jpg")),
        org.ferspark.preprocessing.image.RejectException.class).reason()).as("a missing file")
        .isEqualTo("file-not-found");
    assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(() -> files.read("file:" + tmp),
        org.ferspark.preprocessing.image.RejectException.class).reason()).as("a folder, as Hadoop reports it")
        .isEqualTo("file-not-found");
  }

  private static List<InputRecord> sorted(java.util.Iterator<InputRecord> records) {
    List<InputRecord> out = new ArrayList<>();
    records.forEachRemaining(out::add);
    out.sort(Comparator.comparing(InputRecord::id));
    return out;
  }
}
