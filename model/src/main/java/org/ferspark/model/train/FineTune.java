package org.ferspark.model.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.ferspark.model.io.LoadedModel;
import org.ferspark.model.io.ModelFile;
import org.ferspark.model.io.ModelMetadata;
import org.ferspark.model.net.Architectures;
import org.ferspark.preprocessing.config.FerConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A run that starts from a trained model file (the parent) instead of fresh weights: DL4J's
 * {@link TransferLearning.GraphBuilder} with this run's optimizer and learning-rate schedule
 * ({@link FineTuneConfiguration}), the layers up to a freeze point frozen ({@code setFeatureExtractor}), and the
 * output layer rebuilt for the run's classes: the parent's output weights (a column of {@code W} and the bias) are
 * copied for every run class of the same name, classes the parent does not have start from fresh weights.
 *
 * <p>{@link #plan} checks everything before a file is written: the parent is a model, takes the run's input shape,
 * and the freeze point names a layer; every problem is a {@link FerConfig.ConfigError} (exit code 2).
 */
public final class FineTune {
  private final Path path;
  private final String sha256;
  private final LoadedModel parent;
  private final String freezeUntil;
  private final String output;

  private FineTune(Path path, String sha256, LoadedModel parent, String freezeUntil, String output) {
    this.path = path;
    this.sha256 = sha256;
    this.parent = parent;
    this.freezeUntil = freezeUntil;
    this.output = output;
  }

  /** The parent's metadata without loading its weights (to take its architecture name); bad file = ConfigError. */
  public static ModelMetadata parentMetadata(Path initFrom) {
    try {
      return ModelFile.readMetadata(initFrom);
    } catch (IOException e) {
      throw new FerConfig.ConfigError("--init-from " + e.getMessage());
    }
  }

  /**
   * Loads and checks the parent.
   *
   * @param freezeUntil a layer name of the parent, or a number N = the first N pooling blocks (up to and including
   *     the N-th pooling layer in topological order); {@code null} freezes nothing
   */
  public static FineTune plan(Path initFrom, String freezeUntil, int imageSize) {
    LoadedModel parent;
    String sha;
    try {
      parent = ModelFile.load(initFrom, false);
      sha = ModelFile.sha256(initFrom);
    } catch (IOException e) {
      throw new FerConfig.ConfigError("--init-from " + e.getMessage());
    }
    List<Integer> expected = List.of(1, imageSize, imageSize);
    if (!parent.metadata().inputShape().equals(expected)) {
      throw new FerConfig.ConfigError("--init-from " + initFrom + " takes input " + parent.metadata().inputShape()
          + " but this run's tensors are " + expected + " (fer.image.size)");
    }
    ComputationGraphConfiguration conf = parent.graph().getConfiguration();
    String out = conf.getNetworkOutputs().get(0);
    if (!(layer(conf.getVertices().get(out)) instanceof BaseOutputLayer)
        || conf.getVertexInputs().get(out).size() != 1) {
      throw new FerConfig.ConfigError("--init-from " + initFrom + ": output '" + out + "' is not a single-input "
          + "output layer, so it cannot be rebuilt for new classes");
    }
    String freeze = freezeUntil == null ? null : resolveFreeze(parent.graph(), freezeUntil.trim(), out);
    return new FineTune(initFrom, sha, parent, freeze, out);
  }

  /** The network to train: the parent's layers, frozen up to the freeze point, and a new output layer. */
  public ComputationGraph build(TrainSettings s, DatasetManifest run) {
    ComputationGraph p = parent.graph();
    ComputationGraphConfiguration conf = p.getConfiguration();
    String before = conf.getVertexInputs().get(output).get(0);
    long nIn = ((BaseOutputLayer) layer(conf.getVertices().get(output))).getNIn();
    FineTuneConfiguration.Builder ft = new FineTuneConfiguration.Builder()
        .updater(NetworkFactory.updater(s))
        .seed(s.seed());
    if (s.weightDecay() > 0) {
      ft.weightDecay(s.weightDecay());
    }
    TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(p).fineTuneConfiguration(ft.build());
    if (freezeUntil != null) {
      b.setFeatureExtractor(freezeUntil);
    }
    ComputationGraph net = b.removeVertexAndConnections(output)
        .addLayer(output, new OutputLayer.Builder(NetworkFactory.loss(s, run.labels(), run.trainOriginalByClass()))
            .nIn(nIn).nOut(run.classes()).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(),
            before)
        .setOutputs(output)
        .build();
    copyOutputRows(p.getLayer(output).paramTable(), net.getLayer(output).paramTable(), run.labels());
    return Architectures.withTrainingCache(net);
  }

  /** What the run's metadata records about the parent ({@code trainingConfig.parent}). */
  public Map<String, Object> parentInfo(List<String> runLabels) {
    ModelMetadata m = parent.metadata();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("path", path.toAbsolutePath().normalize().toString());
    info.put("sha256", sha256);
    info.put("architecture", m.architecture());
    info.put("classNames", m.classNames());
    info.put("datasetFingerprint", m.datasetFingerprint());
    info.put("createdAt", m.createdAt());
    Object history = m.trainingConfig().get(TrainingLoop.HISTORY);
    info.put("epochs", history instanceof List<?> h ? h.size() : null);
    info.put("freezeUntil", freezeUntil);
    List<String> copied = new ArrayList<>();
    List<String> fresh = new ArrayList<>();
    runLabels.forEach(l -> (m.classNames().contains(l) ? copied : fresh).add(l));
    info.put("outputRowsCopied", copied);
    info.put("outputRowsNew", fresh);
    return info;
  }

  public String freezeUntil() {
    return freezeUntil;
  }

  public ModelMetadata parentMetadata() {
    return parent.metadata();
  }

  private void copyOutputRows(Map<String, INDArray> from, Map<String, INDArray> to, List<String> runLabels) {
    List<String> parentLabels = parent.metadata().classNames();
    for (int j = 0; j < runLabels.size(); j++) {
      int src = parentLabels.indexOf(runLabels.get(j));
      if (src >= 0) {
        to.get("W").getColumn(j).assign(from.get("W").getColumn(src));
        if (from.containsKey("b") && to.containsKey("b")) {
          to.get("b").putScalar(j, from.get("b").getDouble(src));
        }
      }
    }
  }

  private static String resolveFreeze(ComputationGraph g, String point, String output) {
    ComputationGraphConfiguration conf = g.getConfiguration();
    String name = null;
    if (conf.getVertices().containsKey(point)) {
      name = point;
    } else if (point.matches("\\d+")) {
      int n = Integer.parseInt(point);
      List<String> pools = new ArrayList<>();
      for (int i : g.topologicalSortOrder()) {
        String v = g.getVertices()[i].getVertexName();
        if (layer(conf.getVertices().get(v)) instanceof SubsamplingLayer) {
          pools.add(v);
        }
      }
      if (n < 1 || n > pools.size()) {
        throw new FerConfig.ConfigError("--freeze-until " + point + ": the parent has " + pools.size()
            + " pooling blocks " + pools);
      }
      name = pools.get(n - 1);
    }
    if (name == null) {
      throw new FerConfig.ConfigError("--freeze-until " + point + " names no layer of the parent; its layers: "
          + conf.getVertices().keySet());
    }
    if (name.equals(output)) {
      throw new FerConfig.ConfigError("--freeze-until " + point + " would freeze the output layer: nothing to train");
    }
    return name;
  }

  private static org.deeplearning4j.nn.conf.layers.Layer layer(GraphVertex v) {
    return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
  }
}
