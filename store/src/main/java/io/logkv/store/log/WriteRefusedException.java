package io.logkv.store.log;

/**
 * A write the node refused before sending it to the log, so certainly not applied: the memory cap
 * is reached, or too many writes are in flight. {@link #memoryCap()} tells which (507 or 503).
 */
public final class WriteRefusedException extends LogException {
  private static final long serialVersionUID = 1L;

  private final boolean memoryCap;

  private WriteRefusedException(String message, boolean memoryCap) {
    super(message);
    this.memoryCap = memoryCap;
  }

  public static WriteRefusedException memoryCap(String message) {
    return new WriteRefusedException(message, true);
  }

  public static WriteRefusedException overloaded(String message) {
    return new WriteRefusedException(message, false);
  }

  /** True: the map is full (507); false: the node is overloaded (503, retry elsewhere). */
  public boolean memoryCap() {
    return memoryCap;
  }
}
