package io.logkv.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Read-your-writes across nodes. A session remembers, per log partition, the highest position of
 * the writes made with it, and sends them with every read made with it (header {@code
 * X-Min-Position: p:o,p:o}); whichever node serves the read first waits until it has applied
 * them. A {@linkplain #monotonicReads() monotonic} session also remembers the versions of the
 * values it read, so its reads never go back in time either.
 *
 * <p>Thread-safe; one session may be shared by any number of threads and clients (it holds only
 * positions, no connection). To carry a session across processes, send {@link #token()} along and
 * {@link #observe(String)} it on the other side.
 *
 * <pre>{@code
 * Session session = Session.readYourWrites();
 * client.put("cart:42", "3 items", PutOptions.session(session));   // through node n1
 * other.get("cart:42", ReadOptions.session(session));               // through n2: sees "3 items"
 * }</pre>
 */
public final class Session {
  private final boolean includesReads;
  private final ConcurrentSkipListMap<Integer, Long> highest = new ConcurrentSkipListMap<>();

  private Session(boolean includesReads) {
    this.includesReads = includesReads;
  }

  /** A session that remembers the positions of its own writes. */
  public static Session readYourWrites() {
    return new Session(false);
  }

  /** A session that remembers its writes and the versions of the values it read. */
  public static Session monotonicReads() {
    return new Session(true);
  }

  /** Whether the versions of values read with this session are remembered too. */
  public boolean includesReads() {
    return includesReads;
  }

  /** Remembers {@code position}, unless a later one of its partition is already known. */
  public void observe(Position position) {
    highest.merge(position.partition(), position.offset(), Math::max);
  }

  /**
   * Remembers every position of {@code token} ({@code "p:o,p:o"}, as {@link #token()} makes it).
   *
   * @throws IllegalArgumentException when the token is malformed; then nothing is remembered
   */
  public void observe(String token) {
    List<Position> parsed = new ArrayList<>();
    for (String part : token.split(",", -1)) {
      parsed.add(Position.parse(part.strip()));
    }
    parsed.forEach(this::observe);
  }

  /** The highest position known for each partition, in partition order. */
  public List<Position> positions() {
    List<Position> out = new ArrayList<>(highest.size());
    for (Map.Entry<Integer, Long> e : highest.entrySet()) {
      out.add(new Position(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** The value of {@code X-Min-Position} for this session: {@code "p:o,p:o"}; empty before any write. */
  public Optional<String> token() {
    if (highest.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Integer, Long> e : highest.entrySet()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(e.getKey()).append(':').append(e.getValue());
    }
    return Optional.of(b.toString());
  }

  @Override
  public String toString() {
    return "Session[" + token().orElse("") + (includesReads ? ", monotonic" : "") + "]";
  }
}
