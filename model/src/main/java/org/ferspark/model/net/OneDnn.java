package org.ferspark.model.net;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Switches on and checks DL4J's oneDNN layer helpers, which make CPU convolution training about 5× faster.
 *
 * <p>Three things must hold, or DL4J silently uses its slow im2col path: the {@code linux-x86_64-onednn-*} ND4J
 * binary; the system property {@value #HELPERS_DISABLE} = {@code false} (DL4J's default is {@code true}); and the
 * {@link org.nd4j.nativeblas.Nd4jCpu} shim in this module. DL4J reads the property each time a layer is
 * constructed ({@code HelperUtils.createHelper}, called from the layer constructors during
 * {@code ComputationGraph.init()}), so {@link #enable()} works when called before the first network is built or
 * loaded; networks built earlier keep the im2col path.
 */
public final class OneDnn {
  /** DL4J's switch for all layer helpers (oneDNN on CPU, cuDNN on CUDA); DL4J treats absent as {@code true}. */
  public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
  private static final String SHIM = "org.nd4j.nativeblas.Nd4jCpu$Environment";

  private OneDnn() {
  }

  /**
   * Sets {@value #HELPERS_DISABLE} to {@code false} unless the user set it explicitly.
   *
   * @return whether helpers are now enabled for networks built from here on
   */
  public static boolean enable() {
    if (System.getProperty(HELPERS_DISABLE) == null) {
      System.setProperty(HELPERS_DISABLE, "false");
    }
    return helpersEnabledByProperty();
  }

  /** Whether the system property lets DL4J create layer helpers. */
  public static boolean helpersEnabledByProperty() {
    return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE, "true"));
  }

  /**
   * Whether every convolution and subsampling layer of {@code net} runs on a oneDNN helper. Call it after a forward
   * pass or {@code fit}: DL4J drops a helper that fails at run time. False for a net without such layers.
   */
  public static boolean helpersActive(Model net) {
    Map<String, String> helpers = convHelpers(net);
    return !helpers.isEmpty() && helpers.values().stream().allMatch(h -> h.startsWith("MKLDNN"));
  }

  /** Layer name → simple class name of its helper ({@code "none"} when absent), for conv and subsampling layers. */
  public static Map<String, String> convHelpers(Model net) {
    Map<String, String> helpers = new LinkedHashMap<>();
    for (Layer layer : layers(net)) {
      if (layer instanceof ConvolutionLayer || layer instanceof SubsamplingLayer) {
        LayerHelper helper = layer.getHelper();
        String name = layer.conf().getLayer().getLayerName();
        helpers.put(name != null ? name : "layer" + layer.getIndex(),
            helper == null ? "none" : helper.getClass().getSimpleName());
      }
    }
    return helpers;
  }

  /**
   * One line for job logs, e.g. {@code backend=CPU binary=AVX/AVX2 oneDNN=built-in,in use helpers=enabled
   * (org.eclipse.deeplearning4j.helpers.disable=false) threads=2 blas=OPENBLAS}.
   */
  public static String describe() {
    // some values are Integers, which Properties.getProperty would report as null
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    String build = buildInfo();
    boolean oneDnnBuilt = build.contains("ONEDNN") || build.contains("MKLDNN");
    return "backend=" + env.getOrDefault("backend", "?")
        + " binary=" + binaryLevel()
        + " oneDNN=" + (oneDnnBuilt ? "built-in" : "absent") + "," + shimAnswer()
        + " helpers=" + (helpersEnabledByProperty() ? "enabled" : "DISABLED")
        + " (" + HELPERS_DISABLE + "=" + System.getProperty(HELPERS_DISABLE, "unset, i.e. true") + ")"
        + " threads=" + env.getOrDefault("omp.threads", "?")
        + " blas=" + env.getOrDefault("blas.vendor", "?");
  }

  /** What DL4J will hear when it asks whether oneDNN is in use, i.e. what the {@code Nd4jCpu} shim answers. */
  private static String shimAnswer() {
    try {
      Class.forName(SHIM, false, OneDnn.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return "shim MISSING (" + SHIM + "): DL4J drops every oneDNN helper";
    }
    return org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN() ? "in use" : "not in use";
  }

  private static String buildInfo() {
    try {
      return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
    } catch (RuntimeException | LinkageError e) {
      return "";
    }
  }

  private static String binaryLevel() {
    try {
      return switch (NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel()) {
        case 2 -> "AVX/AVX2";
        case 3 -> "AVX512";
        default -> "generic-x86";
      };
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }

  private static Layer[] layers(Model net) {
    if (net instanceof ComputationGraph graph) {
      return graph.getLayers();
    }
    if (net instanceof MultiLayerNetwork mln) {
      return mln.getLayers();
    }
    throw new IllegalArgumentException("not a ComputationGraph or MultiLayerNetwork: " + net.getClass().getName());
  }
}
