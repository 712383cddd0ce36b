package io.logkv.store.log;

/** The log could not be used: the broker is unreachable, the topic is wrong, a call timed out. */
public class LogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogException(String message, Throwable cause) {
    super(message, cause);
  }

  public LogException(String message) {
    super(message);
  }
}
