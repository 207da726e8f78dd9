package org.ferspark.realtime.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_core;
import org.ferspark.model.calibrate.MinConfidence;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.net.OneDnn;
import org.ferspark.preprocessing.config.ConfigOptions;
import org.ferspark.preprocessing.config.FerConfig;
import org.ferspark.preprocessing.dataset.InputError;
import org.ferspark.preprocessing.image.FaceNormalizer;
import org.ferspark.preprocessing.io.OneLine;
import org.ferspark.realtime.detect.FaceDetector;
import org.ferspark.realtime.detect.FaceFinder;
import org.ferspark.realtime.overlay.CanvasSink;
import org.ferspark.realtime.overlay.FrameSink;
import org.ferspark.realtime.overlay.ImageFileSink;
import org.ferspark.realtime.overlay.VideoFileSink;
import org.ferspark.realtime.source.FrameSource;
import org.ferspark.realtime.track.EmaSmoother;
import org.ferspark.realtime.track.IouTracker;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Realtime facial-expression recognition on a camera, a video file or images: a box, label, probability and
 * confidence bar per face, in a window or ({@code --headless}) written to {@code DIR/annotated.mp4} and
 * {@code DIR/frames.jsonl}. Runs locally with plain {@code java}, no Spark.
 *
 * <p>Needs a model file ({@code --model}, default {@code models/fer2013-default.zip} once one is shipped) and the
 * shaded jar ({@code mvn -DskipTests package}). Run: {@code submit-scripts/realtime.sh --video clip.mp4 --model
 * m.zip --headless --out out/rt}. Exit codes: 0 ok, 1 failed (one clear message), 2 bad usage.
 */
@Command(name = "fer-realtime", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Detect faces, classify their expression and show or record the annotated frames.")
public final class RealtimeApp implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Warm-up batch sizes 1..this: one to a few faces per frame is the common case. */
  private static final int WARMUP_MAX_BATCH = 3;

  static final class Input {
    @Option(names = "--camera", paramLabel = "N", description = "Camera number (0 = the first camera).")
    Integer camera;

    @Option(names = "--video", paramLabel = "FILE", description = "Video file (anything FFmpeg reads).")
    File video;

    @Option(names = "--image", paramLabel = "PATH", description = "Image file, or a directory of images.")
    File image;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: fer.realtime.model).")
  File model;

  @Option(names = "--headless", description = "No window: write DIR/annotated.mp4 and DIR/frames.jsonl.")
  boolean headless;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory for --headless.")
  File out;

  @Option(names = "--min-face", paramLabel = "PX", description = "Smallest face side to detect, in pixels.")
  Integer minFace;

  @Option(names = "--detect-every", paramLabel = "N", description = "Full-frame detection every N frames.")
  Integer detectEvery;

  @Option(names = "--smoothing", paramLabel = "ALPHA", description = "EMA weight of the newest frame (1 = off).")
  Double smoothing;

  @Option(names = "--max-frames", paramLabel = "N", description = "Stop after N frames (0 = no limit).")
  Long maxFrames;

  @Option(names = "--pipeline", description = "Detect on a second thread while classifying (for 2+ cores).")
  boolean pipeline;

  @Option(names = "--detector", paramLabel = "KIND",
      description = "Face detector: blazeface (default), haar or dnn (fer.realtime.detector.kind).")
  String detector;

  @Option(names = "--detector-model", paramLabel = "FILE",
      description = "Use the OpenCV DNN (SSD) face detector with this model.")
  File detectorModel;

  @Option(names = "--min-confidence", paramLabel = "P",
      description = "Label a face 'uncertain' when its top (calibrated, smoothed) probability is below P "
          + "(fer.min-confidence, default 0 = never).")
  Double minConfidence;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @Spec
  CommandLine.Model.CommandSpec spec;

  private RunReport report;
  private boolean oneDnn;
  private FrameSource.ImageLimits imageLimits;

  public static void main(String[] args) {
    System.exit(Cli.execute(new RealtimeApp(), args));
  }

  /** The report of the last {@link #call()}, for tests. */
  RunReport report() {
    return report;
  }

  RealtimeSettings settings() {
    Map<String, Object> flags = new LinkedHashMap<>();
    String p = RealtimeSettings.P;
    // paths given on the command line are relative to the working directory; configured ones to the checkout
    if (model != null) {
      flags.put(p + "model", model.getAbsolutePath());
    }
    if (minFace != null) {
      flags.put(p + "detector.min-face", minFace);
    }
    if (detectEvery != null) {
      flags.put(p + "detect-every", detectEvery);
    }
    if (smoothing != null) {
      flags.put(p + "smoothing", smoothing);
    }
    if (maxFrames != null) {
      flags.put(p + "max-frames", maxFrames);
    }
    if (pipeline) {
      flags.put(p + "pipeline", true);
    }
    if (detector != null) {
      flags.put(p + "detector.kind", detector);
    }
    if (detectorModel != null) {
      flags.put(p + "detector.kind", "dnn");
      flags.put(p + "detector.model", detectorModel.getAbsolutePath());
    }
    if (minConfidence != null) {
      flags.put(MinConfidence.KEY, MinConfidence.check(minConfidence, "--min-confidence"));
    }
    com.typesafe.config.Config config = configOptions.load(flags);
    imageLimits = new FrameSource.ImageLimits(config.getLong("fer.image.max-pixels"),
        config.getBytes("fer.image.max-file-bytes"));
    return RealtimeSettings.from(config, RealtimeSettings.root());
  }

  @Override
  public Integer call() throws Exception {
    if (headless && out == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--headless needs --out DIR");
    }
    if (!headless && GraphicsEnvironment.isHeadless()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "no display for a window here; use --headless --out DIR to write an annotated video instead");
    }
    RealtimeSettings s = settings();
    // the input first: a missing camera or a bad file is reported before the model is loaded
    try (FrameSource source = FrameSource.open(input.camera, input.video, input.image, imageLimits)) {
      LoadedModel loaded = FaceClassifier.load(s.model(), model == null);
      oneDnn = OneDnn.helpersActive(loaded.graph());
      System.err.println("fer-realtime: " + OneDnn.describe() + " convHelpers=" + OneDnn.convHelpers(loaded.graph()));
      FaceClassifier classifier = new FaceClassifier(loaded, s.cropMargin(), s.foldBatchNorm());
      MinConfidence.checkClassNames(classifier.classNames(), s.minConfidence(), s.model().toString());
      if (classifier.temperature() != 1) {
        System.err.println("fer-realtime: probabilities calibrated with the model's temperature "
            + classifier.temperature());
      }
      System.err.println("fer-realtime: batch norm folded into the convolutions: " + (s.foldBatchNorm()
          ? BatchNormFolding.foldableChains(loaded.graph()) + " conv+BN chains" : "no (fer.realtime.fold-batch-norm)"));
      report = run(s, classifier, source, input.image != null, headless ? out : null);
    }
    System.out.print(Latency.tableOf(report.latencyMs()));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("frames", report.frames());
    summary.put("faces", report.faces());
    summary.put("framesWithFaces", report.framesWithFaces());
    summary.put("seconds", Math.round(report.seconds() * 1000) / 1000.0);
    summary.put("framesPerSecond", Math.round(report.framesPerSecond() * 10) / 10.0);
    summary.put("latencyMs", report.latencyMs());
    summary.put("oneDnnConvHelpers", oneDnn);
    if (report.annotated() != null) {
      summary.put("annotated", report.annotated().toString());
      summary.put("framesJsonl", report.framesJsonl().toString());
    }
    if (report.skippedImages() > 0) {
      summary.put("skippedImages", report.skippedImages());
    }
    summary.put("input", report.inputStatus());
    System.out.println("fer-realtime: " + JSON.writeValueAsString(summary));
    return Cli.OK;
  }

  /**
   * Runs the loop over {@code source} (closed by the caller) and closes everything it opened.
   *
   * @param images whether the source is image files (annotated images instead of one video)
   * @param outDir headless output directory, or null for a window
   */
  public static RunReport run(RealtimeSettings s, FaceClassifier classifier, FrameSource source, boolean images,
      File outDir) throws Exception {
    FaceNormalizer.loadNatives();
    if (s.opencvThreads() > 0) {
      opencv_core.setNumThreads(s.opencvThreads());
    }
    if (s.warmupPasses() > 0) {
      double ms = classifier.warmUp(s.warmupPasses(), WARMUP_MAX_BATCH);
      System.err.println(String.format(Locale.ROOT, "fer-realtime: model warm-up, %d passes at batch 1..%d in %.0f ms",
          s.warmupPasses(), WARMUP_MAX_BATCH, ms));
    }
    Path annotated = null;
    Path jsonlPath = null;
    try (FaceDetector detector = s.detector().create()) {
      FramesJsonl jsonl = null;
      FrameSink sink;
      if (outDir != null) {
        Files.createDirectories(outDir.toPath());
        jsonlPath = outDir.toPath().resolve("frames.jsonl");
        jsonl = new FramesJsonl(jsonlPath, classifier.classNames());
        if (images) {
          annotated = outDir.toPath().resolve("annotated");
          sink = new ImageFileSink(annotated.toFile());
        } else {
          annotated = outDir.toPath().resolve("annotated.mp4");
          double fps = s.videoFrameRate() > 0 ? s.videoFrameRate() : source.frameRate();
          sink = new VideoFileSink(annotated.toFile(), fps, s.videoBitrate());
        }
      } else {
        sink = new CanvasSink("fer-spark realtime");
      }
      RealtimeLoop.Result r;
      try (FrameSink closingSink = sink; FramesJsonl closingJsonl = jsonl) {
        RealtimeLoop loop = new RealtimeLoop(source, analyzer(s, detector, classifier), closingSink, closingJsonl,
            s.maxFrames(), s.minConfidence());
        r = loop.run(s.pipeline());
      }
      if (source.endWarning() != null) {
        System.err.println("fer-realtime: warning: " + source.endWarning());
      }
      return new RunReport(r.frames(), r.faces(), r.framesWithFaces(), r.fullDetections(), r.seconds(),
          r.seconds() > 0 ? r.frames() / r.seconds() : 0, r.latency().summary(), annotated, jsonlPath,
          source.skipped(), source.endStatus());
    }
  }

  /** The per-frame face step of {@code s} around {@code detector} and {@code classifier} (both owned by the caller). */
  public static FrameAnalyzer analyzer(RealtimeSettings s, FaceDetector detector, FaceClassifier classifier) {
    return new FrameAnalyzer(new FaceFinder(detector, s.detectEvery(), s.roiExpand(), s.roiMinScale(),
        s.roiMaxScale()), new IouTracker(s.trackerMinIou(), s.trackerMaxMissed()), new EmaSmoother(s.smoothing()),
        classifier);
  }

  /** The project's exit codes for a picocli command, without depending on the jobs module. */
  static final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Cli() {
    }

    static int execute(Object command, String[] args) {
      return execute(command, args, new PrintWriter(System.err, true));
    }

    /** Runs with usage and error messages going to {@code err}. */
    static int execute(Object command, String[] args, PrintWriter err) {
      CommandLine cli = new CommandLine(command);
      cli.setErr(err);
      String name = cli.getCommandName();
      cli.setExecutionExceptionHandler((e, line, parsed) -> {
        if (e instanceof FerConfig.ConfigError) {
          line.getErr().println(name + ": configuration error: " + OneLine.of(e.getMessage()));
          return USAGE;
        }
        if (e instanceof InputError) {
          line.getErr().println(name + ": error: " + OneLine.of(e.getMessage()));
          return FAILED;
        }
        line.getErr().println(name + ": failed: " + e);
        e.printStackTrace(line.getErr());
        return FAILED;
      });
      return cli.execute(args);
    }
  }
}
