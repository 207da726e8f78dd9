package org.ferspark.preprocessing.dataset;

/** A wholly unusable input (missing folder, empty dataset, CSV without its columns): one clear error, exit 1. */
public final class InputError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputError(String message) {
    super(message);
  }
}
