package org.nd4j.nativeblas;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A stand-in for the class name that DL4J's oneDNN layer helpers still look up; without it DL4J never uses oneDNN.
 *
 * <p>Why it exists: {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} (DL4J 1.0.0-M2 and
 * M2.1) reflects on {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance().isUseMKLDNN()}. That class moved
 * to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} in M2, so the lookup fails, DL4J caches the failure, and
 * every {@code MKLDNNConvHelper}/{@code MKLDNNSubsamplingHelper} is dropped as "not supported": convolutions fall
 * back to im2col + gemm, about 5× slower on CPU (see {@code shared/notes/stack.md}). This class answers the old
 * question with the real binding's {@code isUseONEDNN()}.
 *
 * <p>The real binding is reached by reflection, not by a direct reference, so the module also compiles against a
 * backend without it (ND4J CUDA); there the answer is {@code false}, which is what DL4J would conclude anyway.
 * Delete this class once DL4J looks up the right name.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {
  }

  /** The one method of the old {@code Nd4jCpu.Environment} that DL4J calls. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();
    private static final String REAL = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private Environment() {
    }

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Whether libnd4j was built with oneDNN and uses it: the real binding's {@code isUseONEDNN()}. */
    public boolean isUseMKLDNN() {
      MethodHandle isUseOneDnn = Real.IS_USE_ONEDNN;
      if (isUseOneDnn == null) {
        return false;
      }
      try {
        return (boolean) isUseOneDnn.invoke();
      } catch (Throwable e) {
        return false;
      }
    }

    /** Resolved once, on first use: {@code getInstance().isUseONEDNN()} of the real binding, or null if absent. */
    private static final class Real {
      static final MethodHandle IS_USE_ONEDNN = resolve();

      private static MethodHandle resolve() {
        try {
          Class<?> env = Class.forName(REAL);
          MethodHandles.Lookup lookup = MethodHandles.publicLookup();
          Object instance = lookup.findStatic(env, "getInstance", MethodType.methodType(env)).invoke();
          return lookup.findVirtual(env, "isUseONEDNN", MethodType.methodType(boolean.class)).bindTo(instance);
        } catch (Throwable e) {
          return null;
        }
      }
    }
  }
}
