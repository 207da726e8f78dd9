package org.ferspark.model.net;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The registry of {@link Architecture}s, found with {@link ServiceLoader} through
 * {@code META-INF/services/org.ferspark.model.net.Architecture} on the thread's context class loader (so an
 * architecture in a jar passed with {@code spark-submit --jars} is found too). Looked up once, on first use.
 */
public final class Architectures {
  private static final Map<String, Architecture> BY_NAME = load();

  private Architectures() {
  }

  /** The architecture called {@code name}; the exception lists the valid names. */
  public static Architecture byName(String name) {
    Architecture a = name == null ? null : BY_NAME.get(name.trim());
    if (a == null) {
      throw new IllegalArgumentException("unknown architecture '" + name + "'; valid names: " + String.join(", ",
          names()));
    }
    return a;
  }

  /** All registered names, sorted. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** Configures and initialises the named architecture. */
  public static ComputationGraph build(String name, ArchitectureOptions options) {
    ComputationGraph graph = new ComputationGraph(byName(name).configure(options));
    graph.init();
    return graph;
  }

  /**
   * Sets the training cache mode ({@link GraphBase#TRAINING_CACHE}) on a network loaded from a file, e.g. a
   * checkpoint to resume or a model written before the cache mode was part of every configuration; returns it.
   */
  public static ComputationGraph withTrainingCache(ComputationGraph graph) {
    graph.getConfiguration().setCacheMode(GraphBase.TRAINING_CACHE);
    graph.setCacheMode(GraphBase.TRAINING_CACHE);
    return graph;
  }

  private static Map<String, Architecture> load() {
    Map<String, Architecture> byName = new TreeMap<>();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : Architectures.class.getClassLoader();
    for (Architecture a : ServiceLoader.load(Architecture.class, loader)) {
      Architecture previous = byName.putIfAbsent(a.name(), a);
      if (previous != null) {
        throw new IllegalStateException("two architectures are named '" + a.name() + "': "
            + previous.getClass().getName() + " and " + a.getClass().getName());
      }
    }
    return byName;
  }
}
