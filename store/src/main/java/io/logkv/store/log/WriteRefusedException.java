package io.logkv.store.log;

/**
 * A write the node refused before sending it to the log, so certainly not applied: the memory cap
 * is reached, too many writes are in flight, or the process has just thawed from a freeze. {@link
 * #reason()} tells which.
 */
public final class WriteRefusedException extends LogException {
  private static final long serialVersionUID = 1L;

  /** Why the write was refused, with the HTTP status and error code it is answered with. */
  public enum Reason {
    /** The map is full: delete keys or raise the cap. */
    MEMORY_CAP(507, "memory_cap"),
    /** Too many writes in flight: retry, here or elsewhere. */
    OVERLOADED(503, "overloaded"),
    /** The process was frozen a moment ago: the request may be one its sender gave up on. */
    THAWED(503, "thawed");

    private final int status;
    private final String error;

    Reason(int status, String error) {
      this.status = status;
      this.error = error;
    }

    public int status() {
      return status;
    }

    public String error() {
      return error;
    }
  }

  private final Reason reason;

  private WriteRefusedException(String message, Reason reason) {
    super(message);
    this.reason = reason;
  }

  public static WriteRefusedException memoryCap(String message) {
    return new WriteRefusedException(message, Reason.MEMORY_CAP);
  }

  public static WriteRefusedException overloaded(String message) {
    return new WriteRefusedException(message, Reason.OVERLOADED);
  }

  public static WriteRefusedException thawed(String message) {
    return new WriteRefusedException(message, Reason.THAWED);
  }

  public Reason reason() {
    return reason;
  }
}
