package io.logkv.client;

/**
 * Why a logkv operation failed. The message names the operation, the key and what each attempt
 * got. Subclasses say what the caller may assume:
 *
 * <ul>
 *   <li>{@link WriteOutcomeUnknownException}: a write that may or may not be in the log;
 *   <li>{@link UnavailableException}: no node could serve the operation within the retry bounds
 *       (a write then was certainly not applied);
 *   <li>{@link ClientErrorException}: the server refused the request as invalid (4xx);
 *   <li>{@link ServerErrorException}: the server refused it for another reason (e.g. 507, its
 *       memory cap), without applying it.
 * </ul>
 *
 * <p>A plain {@code LogkvException} is an answer the client did not understand, or an
 * interrupted read.
 */
public class LogkvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogkvException(String message) {
    super(message);
  }

  public LogkvException(String message, Throwable cause) {
    super(message, cause);
  }
}
