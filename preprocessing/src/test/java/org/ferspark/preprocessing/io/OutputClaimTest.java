package org.ferspark.preprocessing.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.ferspark.preprocessing.dataset.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputClaimTest {
  private static final Configuration HADOOP = new Configuration();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void twoRunsRacingForOneOutputExactlyOneWinsEveryTime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 40; round++) {
        org.apache.hadoop.fs.Path out = hadoopPath(dir.resolve("out-" + round));
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Object>> runs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          runs.add(pool.submit(() -> {
            start.await();
            try {
              return OutputClaim.acquire(out, HADOOP, "fer-test", false);
            } catch (InputError e) {
              return e;
            }
          }));
        }
        List<OutputClaim> won = new ArrayList<>();
        List<InputError> refused = new ArrayList<>();
        for (Future<Object> f : runs) {
          Object r = f.get();
          if (r instanceof OutputClaim c) {
            won.add(c);
          } else {
            refused.add((InputError) r);
          }
        }
        assertThat(won).as("round %d: claims won", round).hasSize(1);
        assertThat(refused).as("round %d: claims refused", round).hasSize(1);
        assertThat(refused.get(0).getMessage()).contains("in use by another run", "fer-test",
            "pid " + ProcessHandle.current().pid());
        won.get(0).close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSecondClaimIsRefusedUntilTheFirstIsReleased() throws Exception {
    org.apache.hadoop.fs.Path out = hadoopPath(dir.resolve("out"));
    Path marker = dir.resolve("out").resolve(OutputClaim.FILE);
    try (OutputClaim first = OutputClaim.acquire(out, HADOOP, "fer-preprocess", true)) {
      Map<?, ?> m = JSON.readValue(marker.toFile(), Map.class);
      assertThat(m.get("job")).isEqualTo("fer-preprocess");
      assertThat(((Number) m.get("pid")).longValue()).isEqualTo(ProcessHandle.current().pid());
      assertThat(m.get("host")).isEqualTo(OutputClaim.hostName());
      assertThatThrownBy(() -> OutputClaim.acquire(out, HADOOP, "fer-train", true)).isInstanceOf(InputError.class)
          .hasMessageContaining("in use by another run: fer-preprocess on host " + OutputClaim.hostName());
    }
    assertThat(marker).doesNotExist();
    try (OutputClaim again = OutputClaim.acquire(out, HADOOP, "fer-train", false)) {
      assertThat(marker).exists();
    }
  }

  @Test
  void aStaleClaimOfADeadRunIsExplainedAndTakenOverOnlyWhenAllowed() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    writeMarker("out", OutputClaim.hostName(), dead.pid(), "old-token");
    org.apache.hadoop.fs.Path out = hadoopPath(dir.resolve("out"));

    assertThatThrownBy(() -> OutputClaim.acquire(out, HADOOP, "fer-preprocess", false))
        .isInstanceOf(InputError.class).hasMessageContaining("no longer running")
        .hasMessageContaining("pid " + dead.pid()).hasMessageContaining("--overwrite");
    try (OutputClaim taken = OutputClaim.acquire(out, HADOOP, "fer-preprocess", true)) {
      Map<?, ?> m = JSON.readValue(taken.file().toUri().toURL(), Map.class);
      assertThat(m.get("token")).isNotEqualTo("old-token");
    }
    try (var listing = Files.list(dir.resolve("out"))) {
      assertThat(listing).as("nothing left behind").isEmpty();
    }
  }

  @Test
  void aClaimFromAnotherHostIsNeverTakenOver() throws Exception {
    writeMarker("out", "some-other-host.example", 1, "t");

    assertThatThrownBy(() -> OutputClaim.acquire(hadoopPath(dir.resolve("out")), HADOOP, "fer-train", true))
        .isInstanceOf(InputError.class).hasMessageContaining("some-other-host.example, pid 1")
        .hasMessageContaining("if that run is gone, delete");
  }

  @Test
  void releaseLeavesAnotherRunsMarkerAlone() throws Exception {
    org.apache.hadoop.fs.Path out = hadoopPath(dir.resolve("out"));
    OutputClaim mine = OutputClaim.acquire(out, HADOOP, "fer-test", false);
    writeMarker("out", "other-host", 7, "theirs");
    mine.close();
    assertThat(dir.resolve("out").resolve(OutputClaim.FILE)).exists();
  }

  @Test
  void refusesAnOutputThatIsAFile() throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> OutputClaim.acquire(hadoopPath(dir.resolve("file")), HADOOP, "fer-test", true))
        .isInstanceOf(InputError.class).hasMessageContaining("exists and is a file");
  }

  private void writeMarker(String out, String host, long pid, String token) throws Exception {
    Files.createDirectories(dir.resolve(out));
    Files.write(dir.resolve(out).resolve(OutputClaim.FILE), JSON.writeValueAsBytes(Map.of("job", "fer-old",
        "host", host, "pid", pid, "started", "2024-01-01T00:00:00Z", "token", token)));
  }

  private static org.apache.hadoop.fs.Path hadoopPath(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }
}
