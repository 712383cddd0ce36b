package io.logkv.chaos.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One client operation, from invoke to completion.
 *
 * @param id unique within the history, in invoke order
 * @param process the client thread that issued it; a process issues one operation at a time
 * @param type PUT, DELETE or GET
 * @param key the key
 * @param value for a PUT the value written; for an answered GET the value read, {@code null} when
 *     the key was absent (404); otherwise {@code null}
 * @param mode for a GET how it was served; {@code null} for writes
 * @param tokens the positions a TOKEN read sent as {@code X-Min-Position}; empty otherwise
 * @param invokeNanos monotonic time ({@link System#nanoTime()} scale) before the request was sent
 * @param completeNanos monotonic time after the answer (or the give-up), {@code >= invokeNanos}
 * @param outcome OK, FAIL or UNKNOWN
 * @param position for a write the position it returned (required when OK); for an answered GET
 *     the version ({@code ETag}) of the value read, {@code null} when absent
 * @param status the HTTP status, 0 when there was no HTTP answer
 * @param node the node that answered, {@code null} when not known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Operation(
    long id,
    int process,
    OpType type,
    String key,
    String value,
    ReadMode mode,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Position> tokens,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    Position position,
    int status,
    String node) {

  public Operation {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    if (type == OpType.PUT && value == null) {
      throw new IllegalArgumentException("op #" + id + ": a PUT must carry the value it writes");
    }
    if (type == OpType.DELETE && value != null) {
      throw new IllegalArgumentException("op #" + id + ": a DELETE carries no value");
    }
    if ((type == OpType.GET) != (mode != null)) {
      throw new IllegalArgumentException("op #" + id + ": a GET, and only a GET, has a read mode");
    }
    if (type.isWrite() && outcome == Outcome.OK && position == null) {
      // The checker orders acknowledged writes by position; one without it could not be checked.
      throw new IllegalArgumentException(
          "op #" + id + ": an acknowledged " + type + " must carry the position it returned");
    }
    if (completeNanos < invokeNanos) {
      throw new IllegalArgumentException(
          "op #" + id + ": completes (" + completeNanos + ") before it is invoked (" + invokeNanos
              + ")");
    }
  }

  @JsonIgnore
  public boolean isWrite() {
    return type.isWrite();
  }

  @JsonIgnore
  public boolean isRead() {
    return type == OpType.GET;
  }

  @JsonIgnore
  public boolean isOk() {
    return outcome == Outcome.OK;
  }

  /**
   * One line for a report, with times in milliseconds since {@code originNanos}, e.g. {@code #12
   * p3 GET k1 STRONG -> 'w-1-3' @0:9 OK 200 n2 [10.201..10.950 ms]}.
   */
  public String describe(long originNanos) {
    StringBuilder sb = new StringBuilder();
    sb.append('#').append(id).append(" p").append(process).append(' ').append(type).append(' ');
    sb.append(key);
    switch (type) {
      case PUT -> sb.append(" := ").append(quote(value));
      case DELETE -> { }
      case GET -> {
        sb.append(' ').append(mode);
        if (!tokens.isEmpty()) {
          sb.append(" min=").append(Position.header(tokens));
        }
        if (outcome == Outcome.OK) {
          sb.append(" -> ").append(value == null ? "absent" : quote(value));
        }
      }
    }
    if (position != null) {
      sb.append(" @").append(position);
    }
    sb.append(' ').append(outcome);
    if (status != 0) {
      sb.append(' ').append(status);
    }
    if (node != null) {
      sb.append(' ').append(node);
    }
    sb.append(" [")
        .append(millis(invokeNanos - originNanos))
        .append("..")
        .append(millis(completeNanos - originNanos))
        .append(" ms]");
    return sb.toString();
  }

  @Override
  public String toString() {
    return describe(0);
  }

  static String quote(String value) {
    if (value == null) {
      return "absent";
    }
    return value.length() <= 40 ? "'" + value + "'" : "'" + value.substring(0, 37) + "...'";
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
