package io.logkv.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a value is written: its time to live and the {@link Session} that remembers the write.
 * Immutable; start from {@link #defaults()}, {@link #ttl(Duration)} or {@link #session(Session)}.
 *
 * <pre>{@code
 * client.put("token", "abc", PutOptions.ttl(Duration.ofMinutes(30)).withSession(session));
 * }</pre>
 */
public final class PutOptions {
  /** The longest time to live the server accepts (36,500 days). */
  public static final Duration MAX_TTL = Duration.ofDays(36_500);

  private static final PutOptions DEFAULTS = new PutOptions(null, null);

  private final Duration ttl;
  private final Session session;

  private PutOptions(Duration ttl, Session session) {
    if (ttl != null && (ttl.toMillis() < 1 || ttl.compareTo(MAX_TTL) > 0)) {
      throw new IllegalArgumentException("a ttl is from 1 ms to " + MAX_TTL.toDays() + " days, not " + ttl);
    }
    this.ttl = ttl;
    this.session = session;
  }

  /** No expiry, no session. */
  public static PutOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The key expires {@code ttl} after the node that takes the write received it (milliseconds
   * count; less than 1 ms or more than {@link #MAX_TTL} is refused here).
   */
  public static PutOptions ttl(Duration ttl) {
    return new PutOptions(Objects.requireNonNull(ttl, "ttl"), null);
  }

  /** The write's position is remembered by {@code session}. */
  public static PutOptions session(Session session) {
    return new PutOptions(null, Objects.requireNonNull(session, "session"));
  }

  public PutOptions withTtl(Duration ttl) {
    return new PutOptions(Objects.requireNonNull(ttl, "ttl"), session);
  }

  public PutOptions withSession(Session session) {
    return new PutOptions(ttl, Objects.requireNonNull(session, "session"));
  }

  public Optional<Duration> ttlOption() {
    return Optional.ofNullable(ttl);
  }

  public Optional<Session> sessionOption() {
    return Optional.ofNullable(session);
  }

  @Override
  public String toString() {
    return "PutOptions[" + (ttl == null ? "no ttl" : "ttl=" + ttl) + (session == null ? "" : ", " + session) + "]";
  }
}
