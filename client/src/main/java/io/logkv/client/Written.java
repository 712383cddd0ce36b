package io.logkv.client;

/**
 * The outcome of an acknowledged write ({@code put} or {@code delete}): it is in the log, durable
 * (the broker acknowledged it with acks=all).
 *
 * @param position where the write landed; pass it (or use a {@link Session}) to read it back
 *     through any node
 * @param applied whether the node that took the write had also applied it when it answered (HTTP
 *     200/204). {@code false} (HTTP 202): durable, but that node was slow to apply it; a read
 *     with this position as a token still sees it.
 */
public record Written(Position position, boolean applied) {
  public Written {
    java.util.Objects.requireNonNull(position, "position");
  }
}
