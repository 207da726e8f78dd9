package org.ferspark.jobs;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelFileException;
import org.ferspark.model.net.BatchNormFolding;
import org.ferspark.model.onnx.OnnxExporter;
import org.ferspark.model.onnx.UnsupportedLayerException;
import org.ferspark.preprocessing.dataset.InputError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Exports a model file to ONNX (opset 13): input {@code input} = {@code N×1×48×48} float pixels {@code x / 255},
 * output = the class probabilities; class names, input convention and the source file's sha256 in the ONNX
 * {@code metadata_props}, and for a calibrated model its {@code temperature} (the output is the network's own
 * softmax: calibrated probabilities are {@code softmax(ln p / T)}). Spark-free: runs with plain {@code java}.
 *
 * <p>Needs a model file (a training run's {@code model.zip}, or the shipped {@code models/fer2013-default.zip}) and
 * the shaded jar. Run: {@code submit-scripts/export.sh --model models/fer2013-default.zip --onnx fer.onnx}. Exit
 * codes: 0 written, 1 the model file is unusable or the output exists (without {@code --overwrite}), 2 bad usage or a
 * layer with no ONNX mapping (one line naming it; nothing is written).
 */
@Command(name = "fer-export", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Export a fer-spark model file to ONNX.")
public final class ExportJob implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL.zip", description = "Model file to export.")
  File model;

  @Option(names = "--onnx", required = true, paramLabel = "OUT.onnx", description = "ONNX file to write.")
  File onnx;

  @Option(names = "--fold-batch-norm",
      description = "Fuse each conv -> batch norm -> activation chain into one Conv (same function, fewer nodes).")
  boolean fold;

  @Option(names = "--overwrite", description = "Replace an existing OUT.onnx.")
  boolean overwrite;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** What an export wrote. */
  public record Report(Path onnx, long bytes, String architecture, int classes, boolean folded, String sourceSha256) {}

  public static void main(String[] args) {
    System.exit(JobRunner.execute(new ExportJob(), args));
  }

  @Override
  public Integer call() throws IOException {
    Report r;
    try {
      r = run(model.toPath(), onnx.toPath(), fold, overwrite);
    } catch (UnsupportedLayerException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("fer-export: " + e.getMessage());
      err.flush();
      return JobRunner.USAGE;
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("onnx", r.onnx().toAbsolutePath().toString());
    summary.put("bytes", r.bytes());
    summary.put("architecture", r.architecture());
    summary.put("classes", r.classes());
    summary.put("batchNormFolded", r.folded());
    summary.put("sourceSha256", r.sourceSha256());
    JobRunner.printSummary("fer-export", summary);
    return JobRunner.OK;
  }

  /**
   * Loads {@code model}, translates it and writes {@code onnx} atomically (temporary file, then rename).
   *
   * @throws InputError if the model file is unusable or {@code onnx} exists and {@code overwrite} is false
   * @throws UnsupportedLayerException if a layer has no ONNX mapping; nothing is written then
   */
  public static Report run(Path model, Path onnx, boolean fold, boolean overwrite) throws IOException {
    if (Files.exists(onnx) && !overwrite) {
      throw new InputError(onnx + " exists; pass --overwrite to replace it");
    }
    LoadedModel loaded;
    try {
      loaded = ModelFile.load(model, false);
    } catch (ModelFileException e) {
      throw new InputError(e.getMessage());
    }
    ComputationGraph graph = fold ? BatchNormFolding.fold(loaded.graph()) : loaded.graph();
    String sha = ModelFile.sha256(model);
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("source_model", model.getFileName().toString());
    extra.put("source_sha256", sha);
    extra.put("batch_norm", fold ? "folded into the convolutions" : "kept (inference mode, running statistics)");
    if (loaded.metadata().calibration() != null) {
      // the graph's output is the uncalibrated softmax; a runtime applies softmax(ln p / T) itself
      extra.put("temperature", Double.toString(loaded.metadata().temperature()));
    }
    byte[] bytes = OnnxExporter.export(graph, loaded.metadata(), extra);
    Path dir = onnx.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // not createTempFile: its 0600 would stay on a file meant to be handed on; CREATE_NEW takes the umask's mode
    Path tmp = dir.resolve("." + onnx.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime()
        + ".tmp");
    try {
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(tmp, onnx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Report(onnx, bytes.length, loaded.metadata().architecture(), loaded.metadata().classes(), fold, sha);
  }
}
