package io.logkv.store.log;

/** A bounded wait for a position to be applied ran out: the node is behind or cut off. */
public final class WaitTimedOutException extends LogException {
  private static final long serialVersionUID = 1L;

  public WaitTimedOutException(String message) {
    super(message);
  }
}
