package io.logkv.store.snapshot;

import java.io.IOException;

/** A snapshot that cannot be used: corrupt, truncated, foreign or out of range. */
public final class SnapshotException extends IOException {
  private static final long serialVersionUID = 1L;

  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
