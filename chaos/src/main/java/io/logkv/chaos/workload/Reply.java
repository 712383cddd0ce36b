package io.logkv.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * An HTTP answer, or the failure to get one.
 *
 * @param status the HTTP status, 0 when there was no answer
 * @param body the body as text, empty when none
 * @param logPosition the {@code X-Log-Position} header, {@code null} when absent
 * @param etag the {@code ETag} header, {@code null} when absent
 * @param failure the exception's class name when there was no answer ({@code
 *     HttpTimeoutException}, {@code ConnectException}, ...), else {@code null}
 * @param nanos how long the request took
 * @param servedBy the {@code X-Served-By} header (the node that answered), {@code null} when absent
 */
public record Reply(int status, String body, String logPosition, String etag, String failure, long nanos,
    String servedBy) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public boolean answered() {
    return status != 0;
  }

  /** A field of a JSON body, {@code null} when absent or when the body is not JSON. */
  public String jsonField(String name) {
    if (body.isEmpty() || body.charAt(0) != '{') {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(body).get(name);
      return n == null || n.isNull() ? null : n.asText();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The error kind for reports: {@code "503 log_unavailable/not_applied"}, {@code "503 not_ready"},
   * {@code "502"}, {@code "no answer: HttpTimeoutException"}.
   */
  public String errorKind() {
    if (!answered()) {
      return "no answer: " + failure;
    }
    String error = jsonField("error");
    String outcome = jsonField("outcome");
    return status + (error == null ? "" : " " + error) + (outcome == null ? "" : "/" + outcome);
  }
}
