package org.ferspark.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.ferspark.jobs.video.VideoSettings;
import org.ferspark.jobs.video.spark.VideoPipeline;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.realtime.app.RealtimeSettings;
import org.ferspark.realtime.detect.DetectorSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Batch facial-expression analytics of videos on Spark: each video is cut into time ranges analysed by separate
 * tasks with the realtime app's per-frame step (detect → track → classify → smooth), tracks are joined across range
 * boundaries, and the job writes {@code OUT/faces/} (Parquet, one row per face per analysed frame), {@code
 * OUT/videos/} (one row per video with its status), {@code OUT/timelines/} (per video, JSON + PNG),
 * {@code OUT/annotated/} with {@code --annotate}, and {@code OUT/manifest.json} last.
 *
 * <p>Needs a model file ({@code --model}, default {@code models/fer2013-default.zip}) and the shaded jar. Run:
 * {@code submit-scripts/analyze-videos.sh --input videos/ --output out/videos}. Exit codes: 0 ok (bad videos get a
 * status), 1 failed, 2 bad usage.
 */
@Command(name = "fer-analyze-videos", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Facial expressions per face per frame of many videos, on Spark.")
public final class AnalyzeVideosJob implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "A folder (recursively), a glob, a list file (.txt/.list: one path per line) or one video; "
          + "any Hadoop path.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "OUT", description = "Output folder, any Hadoop path.")
  String output;

  @Option(names = "--fps", paramLabel = "N", description = "Frames analysed per second (0 = every frame).")
  Double fps;

  @Option(names = "--min-face", paramLabel = "PX", description = "Smallest face side to detect, in pixels.")
  Integer minFace;

  @Option(names = "--model", paramLabel = "PATH", description = "Model file, any Hadoop path.")
  String model;

  @Option(names = "--detector", paramLabel = "KIND", description = "Face detector: blazeface, haar or dnn.")
  String detector;

  @Option(names = "--range-seconds", paramLabel = "S", description = "Seconds of video per Spark task.")
  Double rangeSeconds;

  @Option(names = "--annotate", description = "Also write OUT/annotated/<video>.mp4.")
  boolean annotate;

  @Option(names = "--overwrite", description = "Replace an existing output of this job.")
  boolean overwrite;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new AnalyzeVideosJob(), args));
  }

  VideoSettings settings() {
    Map<String, Object> flags = new LinkedHashMap<>();
    if (fps != null) {
      flags.put("fer.video.fps", fps);
    }
    if (rangeSeconds != null) {
      flags.put("fer.video.range-seconds", rangeSeconds);
    }
    if (minFace != null) {
      flags.put("fer.realtime.detector.min-face", minFace);
    }
    if (detector != null) {
      if (!DetectorSettings.KINDS.contains(detector)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--detector must be one of "
            + String.join(", ", DetectorSettings.KINDS) + ", got '" + detector + "'");
      }
      flags.put("fer.realtime.detector.kind", detector);
    }
    if (model != null) {
      flags.put("fer.video.model", model);
    }
    return VideoSettings.from(configOptions.load(flags), input, output, annotate, overwrite, RealtimeSettings.root());
  }

  @Override
  public Integer call() throws Exception {
    VideoSettings settings = settings();
    JobRunner.startHeapSampler();
    SparkSession spark = SparkSession.builder().appName("fer-analyze-videos").getOrCreate();
    StageProgress.follow(spark.sparkContext(), "fer-analyze-videos");
    try {
      VideoPipeline.Report report = VideoPipeline.run(spark, settings);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("inputs", report.inputs());
      summary.put("videos", report.byStatus());
      summary.put("faces", report.faces());
      summary.put("frames", report.frames());
      summary.put("analysisSeconds", Math.round(report.analysisSeconds() * 100) / 100.0);
      summary.put("seconds", Math.round(report.seconds() * 100) / 100.0);
      summary.put("peakHeapMiB", JobRunner.peakHeapMiB());
      summary.put("manifest", report.manifest().toString());
      JobRunner.printSummary("fer-analyze-videos", summary);
      return JobRunner.OK;
    } finally {
      spark.stop();
    }
  }
}
