package io.logkv.store.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.logkv.store.log.LogException;
import io.logkv.store.log.WriteFailedException;
import io.logkv.store.log.WaitTimedOutException;
import io.logkv.store.log.WriteRefusedException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON bodies and turns every failure into the one JSON error shape. */
public final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  static final HttpString RETRY_AFTER = new HttpString("Retry-After");
  /** Set on exchanges of the original service's routes: their 400s take its shape. */
  static final AttachmentKey<Boolean> PYCACHE_ERRORS = AttachmentKey.create(Boolean.class);
  static final String JSON_TYPE = "application/json";

  private Responses() {}

  static void json(HttpServerExchange ex, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON_TYPE);
    ex.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** Renders {@code failure} as {@code {"error","detail"}} with the status it maps to. */
  static void error(HttpServerExchange ex, Throwable failure) {
    Throwable t = unwrap(failure);
    if (ex.isResponseStarted()) {
      LOG.warn("failure after the response started on {}: {}", ex.getRequestPath(), t.toString());
      ex.endExchange();
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    int status;
    if (t instanceof ApiException api && api.status() == 400 && ex.getAttachment(PYCACHE_ERRORS) != null) {
      body.put("message", "Invalid request body");
      body.put("payload", Map.of("error", api.getMessage()));
      json(ex, 400, body);
      return;
    }
    if (t instanceof ApiException api) {
      status = api.status();
      body.put("error", api.code());
      body.put("detail", api.getMessage());
      if (api.allow() != null) {
        ex.getResponseHeaders().put(Headers.ALLOW, api.allow());
      }
      if (api.outcome() != null) {
        body.put("outcome", api.outcome());
      }
    } else if (t instanceof Forwarder.UnknownForwardedWrite) {
      status = 503;
      body.put("error", "owner_unreachable");
      body.put("detail", t.getMessage());
      body.put("outcome", "unknown");
    } else if (t instanceof WriteRefusedException r) {
      status = r.reason().status();
      body.put("error", r.reason().error());
      body.put("detail", r.getMessage());
      body.put("outcome", "not_applied");
    } else if (t instanceof WaitTimedOutException) {
      status = 503;
      body.put("error", "wait_timed_out");
      body.put("detail", t.getMessage());
    } else if (t instanceof WriteFailedException w) {
      status = 503;
      body.put("error", "log_unavailable");
      body.put("detail", w.getMessage());
      body.put("outcome", w.outcome() == WriteFailedException.Outcome.UNKNOWN ? "unknown" : "not_applied");
    } else if (t instanceof LogException) {
      status = 503;
      body.put("error", "log_unavailable");
      body.put("detail", t.getMessage());
    } else if (t instanceof TimeoutException) {
      status = 503;
      body.put("error", "wait_timed_out");
      body.put("detail", t.getMessage() != null ? t.getMessage() : "timed out");
    } else if (t instanceof org.apache.kafka.common.KafkaException) {
      status = 503;
      body.put("error", "log_unavailable");
      body.put("detail", t.getClass().getSimpleName() + ": " + t.getMessage());
    } else {
      status = 500;
      body.put("error", "internal");
      body.put("detail", t.getClass().getSimpleName() + ": " + t.getMessage());
      LOG.error("unexpected failure on {} {}", ex.getRequestMethod(), ex.getRequestPath(), t);
    }
    if (status == 503) {
      ex.getResponseHeaders().put(RETRY_AFTER, "1");
    }
    if (status == 413) {
      // Do not read (or drain) the rest of an oversized body: close after answering.
      ex.setPersistent(false);
    }
    json(ex, status, body);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
