package io.logkv.client;

/**
 * The server refused the request for a reason of its own that a retry elsewhere would not cure,
 * without applying it: HTTP 507 {@code memory_cap} (the node holds as much as it may), or a 5xx the
 * client does not retry. For a write, the refusal is certain: a 5xx that may hide an applied write
 * is a {@link WriteOutcomeUnknownException} instead.
 */
public final class ServerErrorException extends LogkvException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String detail;

  public ServerErrorException(String message, int status, String error, String detail) {
    super(message);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }

  /** The HTTP status, 500 to 599. */
  public int status() {
    return status;
  }

  /** The server's error code (e.g. {@code memory_cap}); empty if none was sent. */
  public String error() {
    return error;
  }

  /** The server's explanation; empty if none was sent. */
  public String detail() {
    return detail;
  }
}
