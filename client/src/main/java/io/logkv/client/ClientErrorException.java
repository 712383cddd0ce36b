package io.logkv.client;

/**
 * The server refused the request as invalid (HTTP 4xx: a bad key, TTL or query, a value too large,
 * a missing route); nothing changed, and the same request will be refused again.
 */
public final class ClientErrorException extends LogkvException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String detail;

  public ClientErrorException(String message, int status, String error, String detail) {
    super(message);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }

  /** The HTTP status, 400 to 499. */
  public int status() {
    return status;
  }

  /** The server's error code ({@code bad_key}, {@code value_too_large}, ...); empty if none was sent. */
  public String error() {
    return error;
  }

  /** The server's explanation; empty if none was sent. */
  public String detail() {
    return detail;
  }
}
