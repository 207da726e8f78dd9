package org.ferspark.jobs.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoListingTest {
  @TempDir
  Path dir;

  @Test
  void listsAFolderRecursivelyAGlobAndAListFileSkippingHiddenNames() throws IOException {
    Files.createDirectories(dir.resolve("v/sub"));
    Files.createDirectories(dir.resolve("v/_tmp"));
    for (String f : new String[] {"v/a.mp4", "v/sub/b.mkv", "v/.c.mp4", "v/_tmp/d.mp4", "v/notes.txt"}) {
      Files.writeString(dir.resolve(f), "x");
    }
    Configuration conf = new Configuration();
    assertThat(VideoListing.list(dir.resolve("v").toString(), conf)).extracting(s -> s.replaceAll(".*/v/", ""))
        .containsExactly("a.mp4", "notes.txt", "sub/b.mkv");
    assertThat(VideoListing.list(dir.resolve("v") + "/*.mp4", conf)).hasSize(1);
    Files.writeString(dir.resolve("list.txt"), "# videos\nv/a.mp4\n\n" + dir.resolve("v/sub/b.mkv") + "\n");
    assertThat(VideoListing.list(dir.resolve("list.txt").toString(), conf)).extracting(s -> s.replaceAll(".*/v/", ""))
        .containsExactly("a.mp4", "sub/b.mkv");
    assertThatThrownBy(() -> VideoListing.list(dir.resolve("none").toString(), conf)).isInstanceOf(InputError.class)
        .hasMessageContaining("no such file or folder");
    assertThat(VideoListing.id("file:/x/my clip.mp4")).matches("my_clip\\.mp4-[0-9a-f]{7}");
  }
}
