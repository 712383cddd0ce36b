package io.logkv.store.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Finishing an exchange when a future completes, without parking a thread: the exchange is
 * dispatched (so Undertow does not end it when the handler returns), and the continuation runs
 * back on the exchange's own I/O thread, whichever thread completed the future.
 */
final class Async {
  private Async() {}

  static <T> void whenDone(
      HttpServerExchange ex, CompletableFuture<T> future, BiConsumer<HttpServerExchange, T> onSuccess) {
    ex.dispatch(
        SameThreadExecutor.INSTANCE,
        () ->
            future.whenComplete(
                (value, failure) ->
                    ex.getIoThread()
                        .execute(
                            () -> {
                              try {
                                if (failure != null) {
                                  Responses.error(ex, failure);
                                } else {
                                  onSuccess.accept(ex, value);
                                }
                              } catch (RuntimeException e) {
                                Responses.error(ex, e);
                              }
                            })));
  }
}
