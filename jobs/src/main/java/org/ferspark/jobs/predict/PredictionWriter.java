package org.ferspark.jobs.predict;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Prints predict's lines: predictions to {@code out} ({@link TableWriter} or {@link JsonLinesWriter}), failures
 * to {@code err} as {@code fer-predict: PATH: REASON: DETAIL}, so that {@code out} holds only predictions.
 */
public abstract class PredictionWriter {
  protected final PrintWriter out;
  protected final PrintWriter err;
  protected final boolean detection;
  private final int top;
  protected List<String> classNames = List.of();
  /** Whether labels may be {@code uncertain} ({@code --min-confidence} above 0). */
  protected boolean uncertain;

  /**
   * @param detection whether lines are faces found by a detector (a box per line, images without a face)
   * @param top how many of the most probable classes to print, 0 for all in the model's order
   */
  protected PredictionWriter(PrintWriter out, PrintWriter err, boolean detection, int top) {
    this.out = out;
    this.err = err;
    this.detection = detection;
    this.top = top;
  }

  /** Called once before the first line, with the model's class names and the longest input path's length. */
  public void start(List<String> names, int pathWidth) {
    this.classNames = List.copyOf(names);
  }

  /** As {@link #start(List, int)}; {@code uncertain}: a line's label may also be {@code uncertain}. */
  public void start(List<String> names, int pathWidth, boolean uncertain) {
    this.uncertain = uncertain;
    start(names, pathWidth);
  }

  public abstract void write(Prediction p);

  public void failure(String path, String reason) {
    err.println("fer-predict: " + path + ": " + reason);
  }

  public void flush() {
    out.flush();
    err.flush();
  }

  /** Whether a subset of the classes is printed ({@code --top K} with K below the class count). */
  protected boolean topOnly() {
    return top > 0 && top < classNames.size();
  }

  /** The class indices to print: all in model order, or the {@code top} most probable in descending order. */
  protected List<Integer> shown(float[] probabilities) {
    if (!topOnly()) {
      return IntStream.range(0, probabilities.length).boxed().toList();
    }
    List<Integer> order = new ArrayList<>(IntStream.range(0, probabilities.length).boxed().toList());
    order.sort(Comparator.comparingDouble((Integer i) -> -probabilities[i]));
    return order.subList(0, top);
  }

  /** {@code top} as given, for the table header. */
  protected int top() {
    return top;
  }
}
