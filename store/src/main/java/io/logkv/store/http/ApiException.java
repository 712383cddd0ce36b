package io.logkv.store.http;

/** An error with its HTTP status and a stable machine-readable code; rendered once, by {@link Responses}. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String allow;
  private final String outcome;

  public ApiException(int status, String code, String detail) {
    this(status, code, detail, null, null);
  }

  private ApiException(int status, String code, String detail, String allow, String outcome) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.allow = allow;
    this.outcome = outcome;
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(400, code, detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "not_found", detail);
  }

  /** 401: no credentials, or ones this node does not know (the caller adds WWW-Authenticate). */
  public static ApiException unauthorized(String detail) {
    return new ApiException(401, "unauthorized", detail);
  }

  /** 403: known credentials without the right. */
  public static ApiException forbidden(String detail) {
    return new ApiException(403, "forbidden", detail);
  }

  public static ApiException methodNotAllowed(String method, String allow) {
    return new ApiException(405, "method_not_allowed", method + " is not allowed here; allowed: " + allow, allow, null);
  }

  public static ApiException unavailable(String code, String detail) {
    return new ApiException(503, code, detail);
  }

  /**
   * A 503 for a request refused before it was handled (the node is not ready, or at a connection
   * or body-bytes limit): a write refused so was certainly not applied, and says so, so that a
   * client retries it anywhere; a read gets no outcome.
   */
  public static ApiException refusedBeforeHandling(io.undertow.util.HttpString method, String code, String detail) {
    boolean read = io.undertow.util.Methods.GET.equals(method) || io.undertow.util.Methods.HEAD.equals(method);
    return read ? unavailable(code, detail) : writeNotApplied(code, detail);
  }

  /** A 503 for a write that was certainly not applied: safe to retry anywhere. */
  public static ApiException writeNotApplied(String code, String detail) {
    return new ApiException(503, code, detail, null, "not_applied");
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** A write's outcome ({@code not_applied}), or null. */
  public String outcome() {
    return outcome;
  }

  /** The Allow header of a 405, else null. */
  public String allow() {
    return allow;
  }
}
