package io.logkv.toxiproxy;

/**
 * A request the API refuses, with the HTTP status to answer; the API handler turns it into the
 * JSON error body {@code {"error": message, "status": status}} that the client expects.
 */
final class ApiException extends RuntimeException {

  private final int status;

  private ApiException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message, null);
  }

  static ApiException forbidden(String message) {
    return new ApiException(403, message, null);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  static ApiException methodNotAllowed(String method, String path) {
    return new ApiException(405, "method " + method + " not allowed on " + path, null);
  }

  static ApiException conflict(String message) {
    return new ApiException(409, message, null);
  }

  static ApiException internal(String message, Throwable cause) {
    return new ApiException(500, message, cause);
  }

  int status() {
    return status;
  }
}
