package org.ferspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.io.OneLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Runs a picocli job command with the project's exit codes: 0 success, 1 failure (one clear message, the stack
 * trace only in the log), 2 bad usage (unknown option, bad configuration key or value).
 *
 * <p>A failure is one line, {@code NAME: error: FILE: reason}: Spark's wrappers ("Job aborted due to stage
 * failure", task failures) are unwrapped to the file the failing task read and the root cause
 * ({@link FailureMessage}). The stack trace goes to the log at debug level, or to stderr with {@code --verbose}
 * (accepted by every job).
 */
public final class JobRunner {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  /** The option that prints a failure's stack trace; taken out before picocli parses the rest. */
  public static final String VERBOSE = "--verbose";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private JobRunner() {}

  /** Parses {@code args}, runs {@code command} and returns its exit code (never calls System.exit). */
  public static int execute(Object command, String[] args) {
    return execute(command, args, null, null);
  }

  /** As {@link #execute(Object, String[])}, with output and messages going to {@code out} and {@code err}. */
  public static int execute(Object command, String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = Arrays.asList(args).contains(VERBOSE);
    String[] rest = Arrays.stream(args).filter(a -> !a.equals(VERBOSE)).toArray(String[]::new);
    CommandLine cli = new CommandLine(command);
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    String name = cli.getCommandName();
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter messages = line.getErr();
      if (e instanceof FerConfig.ConfigError) {
        messages.println(name + ": configuration error: " + OneLine.of(e.getMessage()));
        return USAGE;
      }
      messages.println(name + ": error: " + FailureMessage.of(e));
      if (verbose) {
        e.printStackTrace(messages);
      } else {
        LOG.debug("{} failed", name, e);
      }
      messages.flush();
      return FAILED;
    });
    return cli.execute(rest);
  }

  /** Prints the machine-readable last line of a job: {@code <name>: {json}}. */
  public static void printSummary(String name, Map<String, Object> summary) {
    try {
      System.out.println(name + ": " + JSON.writeValueAsString(summary));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The largest heap occupancy seen since the first call of this method or {@link #startHeapSampler()} (driver =
   * executor in local mode), in MiB, sampled every 20 ms: the sum of the heap pools' own peaks overstates it, since
   * the pools peak at different times.
   */
  public static long peakHeapMiB() {
    startHeapSampler();
    HeapSampler.sample();
    return HeapSampler.peak >> 20;
  }

  /** Starts sampling the heap occupancy (idempotent); jobs call it first thing. */
  public static void startHeapSampler() {
    HeapSampler.start();
  }

  private static final class HeapSampler {
    private static volatile long peak;
    private static Thread thread;

    static synchronized void start() {
      if (thread == null) {
        thread = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            sample();
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "fer-heap-sampler");
        thread.setDaemon(true);
        thread.start();
      }
    }

    static void sample() {
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used > peak) {
        peak = used;
      }
    }
  }
}
