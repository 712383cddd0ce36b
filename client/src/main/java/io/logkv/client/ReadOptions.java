package io.logkv.client;

import java.util.Objects;
import java.util.Optional;

/**
 * How a read is made: its {@link Consistency} and the {@link Session} whose writes it must see.
 * Immutable; start from {@link #defaults()}, {@link #strong()} or {@link #session(Session)}.
 *
 * <pre>{@code
 * client.get("k", ReadOptions.strong());
 * client.get("k", ReadOptions.session(session).withConsistency(Consistency.STRONG));
 * }</pre>
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULTS = new ReadOptions(Consistency.LOCAL, null);
  private static final ReadOptions STRONG = new ReadOptions(Consistency.STRONG, null);

  private final Consistency consistency;
  private final Session session;

  private ReadOptions(Consistency consistency, Session session) {
    this.consistency = Objects.requireNonNull(consistency, "consistency");
    this.session = session;
  }

  /** A {@link Consistency#LOCAL} read without a session. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /** A {@link Consistency#STRONG} read. */
  public static ReadOptions strong() {
    return STRONG;
  }

  /** A {@link Consistency#LOCAL} read that sees {@code session}'s writes. */
  public static ReadOptions session(Session session) {
    return new ReadOptions(Consistency.LOCAL, Objects.requireNonNull(session, "session"));
  }

  public ReadOptions withConsistency(Consistency consistency) {
    return new ReadOptions(consistency, session);
  }

  public ReadOptions withSession(Session session) {
    return new ReadOptions(consistency, Objects.requireNonNull(session, "session"));
  }

  public Consistency consistency() {
    return consistency;
  }

  public Optional<Session> sessionOption() {
    return Optional.ofNullable(session);
  }

  @Override
  public String toString() {
    return "ReadOptions[" + consistency + (session == null ? "" : ", " + session) + "]";
  }
}
