package io.logkv.client;

/**
 * A write whose outcome is unknown: it may be in the log (and then applied by every node) or not,
 * and may still appear a little later. The client never retries such a write by itself, since a
 * retry could land after a newer write of the same key and undo it.
 *
 * <p>It is thrown when the server said so (HTTP 503 with {@code "outcome":"unknown"}, e.g. the
 * broker did not acknowledge within the node's write timeout), or when the request may have
 * reached a node and no answer came back (a connection reset or closed, a request timeout, a 502
 * or 504 from a proxy, an interrupted caller). What to do is the caller's decision: write the
 * value again, read the key (a {@link Consistency#STRONG strong} read after the node's write
 * timeout has passed shows whether it landed), or report it.
 */
public final class WriteOutcomeUnknownException extends LogkvException {
  private static final long serialVersionUID = 1L;

  public WriteOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
