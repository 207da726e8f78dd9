package org.ferspark.preprocessing.image;

/**
 * Thrown when one input cannot become a tensor; carries a stable machine-readable reason code
 * (counted in the manifest) and a human-readable detail (written to the rejects list).
 */
public final class RejectException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public RejectException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  /** Stable reason code, e.g. {@code truncated-image}, {@code unknown-label}. */
  public String reason() {
    return reason;
  }

  /** Human-readable explanation naming what was wrong. */
  public String detail() {
    return getMessage();
  }
}
