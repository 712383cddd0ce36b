package io.logkv.client;

/**
 * No node served the operation within the client's bounds (its retry count and retry budget):
 * every attempt was refused, timed out or answered "not ready" or "not applied". A write that
 * ends so was certainly not applied; retrying it later is safe.
 */
public final class UnavailableException extends LogkvException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public UnavailableException(String message, int attempts, Throwable cause) {
    super(message, cause);
    this.attempts = attempts;
  }

  /** How many requests were made before giving up. */
  public int attempts() {
    return attempts;
  }
}
