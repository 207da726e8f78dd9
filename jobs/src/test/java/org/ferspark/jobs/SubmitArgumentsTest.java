package org.ferspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit command lines the submit-scripts build ({@code FER_DRY_RUN=1} prints them one argument per line):
 * the project's properties as {@code --conf} on every master, never a {@code --properties-file} unless
 * {@code FER_SPARK_CONF} asks, the local-only properties only on local masters, executor Java options merged with the
 * user's, and {@code FER_SPARK_ARGS} split with shell quoting but never run.
 */
class SubmitArgumentsTest {
  private static final Path ROOT = Path.of(System.getProperty("fer.repo.root", "..")).toAbsolutePath().normalize();
  private static final String DL4J_OPTS =
      "-Dorg.eclipse.deeplearning4j.helpers.disable=false -Daeron.publication.unblock.timeout=60000000000";
  @TempDir Path tmp;
  Path jar;
  Path classpath;

  @BeforeEach
  void fakeBuild() throws IOException {
    jar = Files.writeString(tmp.resolve("fer-spark-jobs.jar"), "not a jar: the dry run never opens it");
    classpath = Files.writeString(tmp.resolve("spark-classpath.txt"), "/spark/jars/a.jar:/spark/jars/b.jar");
  }

  @Test
  void localRunsGetTheProjectAndTheLocalPropertiesAsConf() throws Exception {
    Result r = dryRun("train.sh", Map.of(), "--data", "d", "--out", "o");

    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(r.args).doesNotContain("--properties-file").containsSequence("--master", "local[*]")
        .containsSequence("--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer")
        .containsSequence("--conf", "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator")
        .containsSequence("--conf", "spark.executor.extraJavaOptions=" + DL4J_OPTS)
        .containsSequence("--conf", "spark.ui.enabled=false")
        .containsSequence("--class", "org.ferspark.jobs.TrainJob", jar.toString(), "--data", "d", "--out", "o");
    assertThat(r.args.get(0)).isEqualTo("java");
    assertThat(String.join(" ", r.args)).contains("/spark/jars/a.jar:/spark/jars/b.jar:" + jar);
  }

  @Test
  void onAClusterTheUiStaysOnAndTheInstallsDefaultsAreKeptAndMerged() throws Exception {
    Path home = tmp.resolve("spark-home");
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/spark-defaults.conf"), """
        # the cluster's own defaults
        spark.executor.extraJavaOptions   -Dcluster.flag=1 -XX:+UseG1GC
        spark.driver.extraJavaOptions=-Ddriver.flag=2
        spark.eventLog.enabled  true
        """);
    Result r = dryRun("evaluate.sh", Map.of("SPARK_HOME", home.toString(), "FER_MASTER", "spark://10.0.0.1:7077"),
        "--data", "d");

    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(r.args.get(0)).isEqualTo(home.resolve("bin/spark-submit").toString());
    assertThat(r.args).doesNotContain("--properties-file", "spark.ui.enabled=false")
        .containsSequence("--master", "spark://10.0.0.1:7077")
        .containsSequence("--conf", "spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator")
        .containsSequence("--conf", "spark.executor.extraJavaOptions=" + DL4J_OPTS + " -Dcluster.flag=1 -XX:+UseG1GC");
    String driverOpts = r.args.get(r.args.indexOf("--driver-java-options") + 1);
    assertThat(driverOpts).contains("--add-opens=java.base/java.lang=ALL-UNNAMED").endsWith(" -Ddriver.flag=2");
  }

  @Test
  void sparkArgsKeepQuotedValuesTogetherAndAreNeverRun() throws Exception {
    Path marker = tmp.resolve("ran");
    String args = "--executor-memory 2g --conf \"spark.executor.extraJavaOptions=-Da=1 -Db=2\" "
        + "--conf 'spark.app.name=fer on two words' --conf spark.x=\"$(touch " + marker + ")\"";
    Result r = dryRun("preprocess.sh", Map.of("FER_SPARK_ARGS", args, "FER_MASTER", "spark://h:7077"), "--input", "i");

    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(r.args).containsSequence("--executor-memory", "2g")
        .containsSequence("--conf", "spark.app.name=fer on two words")
        .containsSequence("--conf", "spark.executor.extraJavaOptions=" + DL4J_OPTS + " -Da=1 -Db=2")
        .containsSequence("--conf", "spark.x=$(touch " + marker + ")");
    assertThat(r.args.stream().filter(a -> a.startsWith("spark.executor.extraJavaOptions="))).hasSize(1);
    assertThat(marker).doesNotExist();
  }

  @Test
  void anUnbalancedQuoteIsOneErrorLineAndExitCode2() throws Exception {
    Result r = dryRun("train.sh", Map.of("FER_SPARK_ARGS", "--conf \"spark.executor.extraJavaOptions=-Da"), "--x");

    assertThat(r.exit).isEqualTo(2);
    assertThat(r.args).isEmpty();
    assertThat(r.stderr.strip().lines()).hasSize(1).first().asString()
        .startsWith("fer-spark: FER_SPARK_ARGS cannot be split").contains("unmatched double quote");
  }

  @Test
  void anExplicitPropertiesFileIsPassedAndItsExecutorOptionsMerged() throws Exception {
    Path conf = Files.writeString(tmp.resolve("my.conf"), "spark.executor.extraJavaOptions -Dmine=1\n");
    Result r = dryRun("train.sh", Map.of("FER_SPARK_CONF", conf.toString(), "FER_MASTER", "yarn"), "--x");

    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(r.args).containsSequence("--properties-file", conf.toString())
        .containsSequence("--conf", "spark.executor.extraJavaOptions=" + DL4J_OPTS + " -Dmine=1");
  }

  @Test
  void preprocessingsDriverGetsItsJvmOptionsAndAClassDataSharingArchive() throws Exception {
    Path cds = tmp.resolve("cds");
    Path archive = cds.resolve("PreprocessJob.jsa");
    Result first = dryRun("preprocess.sh", Map.of("FER_CDS_DIR", cds.toString()), "--input", "i", "--output", "o");
    assertThat(first.exit).as(first.stderr).isZero();
    assertThat(first.args).as("the first run after a build writes the archive")
        .contains("-XX:TieredStopAtLevel=1", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0")
        .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + archive + "."));
    Files.createDirectories(cds);
    Files.writeString(archive, "an archive, newer than the jar and the classpath");
    Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertThat(dryRun("preprocess.sh", Map.of("FER_CDS_DIR", cds.toString()), "--input", "i").args)
        .as("an archive without its key (what it was made for) is made again")
        .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
    Process which = new ProcessBuilder("bash", "-c", "readlink -f \"$(command -v java)\"").start();
    String javaBin = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    Files.writeString(cds.resolve("PreprocessJob.jsa.key"), jar + " " + classpath + " " + javaBin + "\n");
    assertThat(dryRun("preprocess.sh", Map.of("FER_CDS_DIR", cds.toString()), "--input", "i").args)
        .as("later runs map it").contains("-XX:SharedArchiveFile=" + archive);
    Path otherJar = Files.copy(jar, tmp.resolve("other.jar"));
    Files.setLastModifiedTime(otherJar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    assertThat(dryRun("preprocess.sh", Map.of("FER_CDS_DIR", cds.toString(), "FER_JAR", otherJar.toString()),
        "--input", "i").args)
        .as("another jar (FER_JAR) makes its own archive").noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="))
        .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 120_000));
    assertThat(dryRun("preprocess.sh", Map.of("FER_CDS_DIR", cds.toString()), "--input", "i").args)
        .as("a rebuilt jar makes a new archive").noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="))
        .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
    assertThat(dryRun("preprocess.sh", Map.of("FER_CDS_DIR", cds.toString(), "FER_CDS", "0"), "--input", "i").args)
        .as("FER_CDS=0").noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"));
    assertThat(dryRun("train.sh", Map.of("FER_CDS_DIR", cds.toString()), "--data", "d").args)
        .as("other jobs keep the default JIT").doesNotContain("-XX:TieredStopAtLevel=1");
  }

  record Result(int exit, List<String> args, String stderr) {}

  private Result dryRun(String script, Map<String, String> env, String... scriptArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("submit-scripts").resolve(script).toString()));
    command.addAll(List.of(scriptArgs));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("FER_") || k.startsWith("SPARK_"));
    pb.environment().put("FER_DRY_RUN", "1");
    pb.environment().put("FER_JAR", jar.toString());
    pb.environment().put("FER_SPARK_CLASSPATH_FILE", classpath.toString());
    pb.environment().putAll(env);
    pb.redirectError(tmp.resolve("stderr").toFile()).redirectOutput(tmp.resolve("stdout").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", script).isTrue();
    String out = Files.readString(tmp.resolve("stdout"), StandardCharsets.UTF_8);
    return new Result(p.exitValue(), out.lines().toList(), Files.readString(tmp.resolve("stderr")));
  }
}
