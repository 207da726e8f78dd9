package org.ferspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.InputError;
import picocli.CommandLine;

/**
 * Runs a picocli job command with the project's exit codes: 0 success, 1 failure (one clear message, the stack
 * trace only in the log), 2 bad usage (unknown option, bad configuration key or value).
 */
public final class JobRunner {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobRunner() {}

  /** Parses {@code args}, runs {@code command} and returns its exit code (never calls System.exit). */
  public static int execute(Object command, String[] args) {
    CommandLine cli = new CommandLine(command);
    String name = cli.getCommandName();
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter err = line.getErr();
      if (e instanceof FerConfig.ConfigError) {
        err.println(name + ": configuration error: " + e.getMessage());
        return USAGE;
      }
      if (e instanceof InputError) {
        err.println(name + ": error: " + e.getMessage());
        return FAILED;
      }
      err.println(name + ": failed: " + e);
      e.printStackTrace(err);
      return FAILED;
    });
    return cli.execute(args);
  }

  /** Prints the machine-readable last line of a job: {@code <name>: {json}}. */
  public static void printSummary(String name, Map<String, Object> summary) {
    try {
      System.out.println(name + ": " + JSON.writeValueAsString(summary));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sum of the heap pools' peak usage in MiB since JVM start (driver = executor in local mode). */
  public static long peakHeapMiB() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes >> 20;
  }
}
