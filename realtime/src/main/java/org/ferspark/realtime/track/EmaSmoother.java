package org.ferspark.realtime.track;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Exponential moving average of class probabilities per track id, so a face's label does not flicker:
 * {@code s = alpha * p + (1 - alpha) * s_previous}, starting from the first observation. {@code alpha = 1} turns
 * smoothing off; smaller values smooth more (0.5 halves a jump each frame).
 */
public final class EmaSmoother {
  private final double alpha;
  private final Map<Integer, float[]> state = new HashMap<>();

  public EmaSmoother(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("smoothing alpha must be in (0, 1], got " + alpha);
    }
    this.alpha = alpha;
  }

  /** Adds this frame's probabilities of track {@code id} and returns the smoothed ones (a new array). */
  public float[] update(int id, float[] probabilities) {
    float[] s = state.get(id);
    if (s == null || s.length != probabilities.length) {
      s = probabilities.clone();
      state.put(id, s);
    } else {
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) (alpha * probabilities[i] + (1 - alpha) * s[i]);
      }
    }
    return s.clone();
  }

  /** Forgets every id not in {@code ids} (tracks the tracker dropped). */
  public void retain(Collection<Integer> ids) {
    state.keySet().retainAll(ids);
  }

  /** Number of ids with state. */
  public int size() {
    return state.size();
  }
}
