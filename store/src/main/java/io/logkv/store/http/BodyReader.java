package io.logkv.store.http;

import io.undertow.server.HttpServerExchange;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Reads request bodies without letting clients exhaust the node. A body is never larger than the
 * value limit: a declared length above it is a 413 before anything is read, and a chunked body
 * that grows past it gets a 413 as soon as it does (the connection is closed rather than drained).
 * The buffer grows as bytes arrive, never from the declared length: a client that declares a
 * large body and sends nothing costs nothing. The bytes received and not yet handled, over all
 * requests, are capped: past the cap a body is refused with 503, so many slow bodies cannot fill
 * the heap. A body that has not fully arrived within the request timeout closes the connection.
 * Thread-safe: one instance serves every request.
 */
final class BodyReader {
  private static final int FIRST_BUFFER_BYTES = 16 * 1024;

  private final long maxValueBytes;
  private final long timeoutMillis;
  private final long maxInflightBytes;
  private final AtomicLong inflight = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  /**
   * @param maxValueBytes the largest body accepted (413 above)
   * @param timeoutMillis time a client has to send the whole body
   * @param maxInflightBytes body bytes received and not yet handled, all requests together
   */
  BodyReader(long maxValueBytes, long timeoutMillis, long maxInflightBytes) {
    this.maxValueBytes = maxValueBytes;
    this.timeoutMillis = timeoutMillis;
    this.maxInflightBytes = maxInflightBytes;
  }

  /** Body bytes received and not yet handled, over all requests. */
  long inflightBytes() {
    return inflight.get();
  }

  /** Bodies refused because the in-flight cap was reached. */
  long refused() {
    return refused.get();
  }

  /** Reads the whole body, then calls {@code onBody} on the I/O thread; failures become responses. */
  void read(HttpServerExchange ex, BiConsumer<HttpServerExchange, byte[]> onBody) {
    long declared = ex.getRequestContentLength();
    if (declared > maxValueBytes) {
      throw tooLarge(declared);
    }
    XnioExecutor.Key timer = ex.getIoThread().executeAfter(() -> {
      if (!ex.isComplete()) {
        IoUtils.safeClose(ex.getConnection()); // a slow or stalled body must not hold the node
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), FIRST_BUFFER_BYTES));
    long[] reserved = {0};
    boolean[] finished = {false};
    // Whatever happens to the exchange (answered, timed out, connection closed), its bytes are released.
    ex.addExchangeCompleteListener((e, next) -> {
      release(reserved);
      next.proceed();
    });
    ex.getRequestReceiver().receivePartialBytes(
        (e, chunk, last) -> {
          if (finished[0]) {
            return;
          }
          if (body.size() + chunk.length > maxValueBytes) {
            finish(e, finished, timer, reserved);
            Responses.error(e, tooLarge(-1));
            return;
          }
          if (inflight.addAndGet(chunk.length) > maxInflightBytes) {
            inflight.addAndGet(-chunk.length);
            refused.incrementAndGet();
            finish(e, finished, timer, reserved);
            e.setPersistent(false);
            Responses.error(e, ApiException.refusedBeforeHandling(e.getRequestMethod(), "overloaded", "the node holds more than " + maxInflightBytes
                + " bytes of request bodies not yet handled (--max-inflight-body-bytes); try again or another node"));
            return;
          }
          reserved[0] += chunk.length;
          body.write(chunk, 0, chunk.length);
          if (last) {
            finish(e, finished, timer, reserved);
            byte[] bytes = body.toByteArray();
            try {
              onBody.accept(e, bytes);
            } catch (RuntimeException failure) {
              Responses.error(e, failure);
            }
          }
        },
        (e, failure) -> {
          timer.remove();
          release(reserved);
          if (!finished[0]) {
            finished[0] = true;
            Responses.error(e, failure);
          }
        });
  }

  /** The body is complete or refused: stop the timer, release its bytes, read no more. */
  private void finish(HttpServerExchange e, boolean[] finished, XnioExecutor.Key timer, long[] reserved) {
    finished[0] = true;
    timer.remove();
    release(reserved);
    e.getRequestReceiver().pause();
  }

  private void release(long[] reserved) {
    if (reserved[0] > 0) {
      inflight.addAndGet(-reserved[0]);
      reserved[0] = 0;
    }
  }

  private ApiException tooLarge(long declared) {
    return new ApiException(413, "value_too_large",
        (declared >= 0 ? "the body is " + declared + " bytes; " : "the body is larger than the limit; ")
            + "at most " + maxValueBytes + " bytes are allowed (--max-value-bytes)");
  }
}
