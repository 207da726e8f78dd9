package org.ferspark.evaluation.predict;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * The JVM-wide pool of loaded {@link Predictor}s, keyed by model content and convention ({@link PreparedModel#key}):
 * an executor parses a model file once, however many tasks and stages use it; a task running beside another gets
 * a {@link Predictor#copy()} of the loaded network (DL4J networks are not thread-safe), and returns it afterwards
 * for the next task. Idle predictors live as long as the JVM (an executor lives as long as its application).
 */
public final class PredictorCache {
  private static final Map<String, Predictor> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, ConcurrentLinkedDeque<Predictor>> IDLE = new ConcurrentHashMap<>();

  private PredictorCache() {
  }

  /** A predictor for {@code key} for this thread's exclusive use until {@link #release}. */
  public static Predictor borrow(String key, Supplier<Predictor> loader) {
    Predictor idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
    if (idle != null) {
      return idle;
    }
    Predictor first = LOADED.get(key);
    if (first == null) {
      synchronized (PredictorCache.class) {
        first = LOADED.get(key);
        if (first == null) {
          Predictor loaded = loader.get();
          LOADED.put(key, loaded);
          return loaded;
        }
      }
    }
    synchronized (first) {
      return first.copy();
    }
  }

  /** Hands a borrowed predictor back. */
  public static void release(String key, Predictor predictor) {
    IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).addFirst(predictor);
  }

  /** Whether {@code key} has been loaded in this JVM. */
  public static boolean isLoaded(String key) {
    return LOADED.containsKey(key);
  }
}
