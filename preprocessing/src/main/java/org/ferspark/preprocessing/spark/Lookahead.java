package org.ferspark.preprocessing.spark;

import java.util.Iterator;

/**
 * An iterator that computes each element one step ahead: {@link #advance} returns the next element or null at the
 * end. The listings' walks and the CSV reader are this; {@link #start} fetches the first element (eagerly, so a
 * listing that cannot start fails where it is created).
 */
abstract class Lookahead<T> implements Iterator<T> {
  private T next;

  /** The next element, or null when there is none. */
  protected abstract T advance();

  /** Fetches the first element; call once, right after construction. */
  final Lookahead<T> start() {
    next = advance();
    return this;
  }

  @Override
  public final boolean hasNext() {
    return next != null;
  }

  @Override
  public final T next() {
    T current = next;
    next = advance();
    return current;
  }
}
