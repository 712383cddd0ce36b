package io.logkv.client;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of {@link LogkvClient#changeTtl}: the key's value was written again, whole, with a
 * new deadline.
 *
 * @param position where the rewrite landed: the key's new version
 * @param expiresAt the new deadline, computed by the node that took the request (its clock)
 * @param applied as in {@link Written#applied()}
 */
public record TtlChanged(Position position, Instant expiresAt, boolean applied) {
  public TtlChanged {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** The rewrite as a {@link Written}, e.g. for a {@link Session}. */
  public Written written() {
    return new Written(position, applied);
  }
}
