package io.logkv.toxiproxy;

import io.undertow.Undertow;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The API on Undertow, the proxies on a cached pool of daemon threads. */
final class UndertowToxiproxyServer implements ToxiproxyServer {

  // Control traffic is a handful of requests at a time; the proxies do not use these threads.
  private static final int IO_THREADS = 1;
  private static final int WORKER_THREADS = 4;

  private final Undertow undertow;
  private final Proxies proxies;
  private final ExecutorService threads;
  private final InetSocketAddress bound;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UndertowToxiproxyServer(
      Undertow undertow, Proxies proxies, ExecutorService threads, InetSocketAddress bound) {
    this.undertow = undertow;
    this.proxies = proxies;
    this.threads = threads;
    this.bound = bound;
  }

  static ToxiproxyServer start(InetSocketAddress address) {
    ExecutorService threads = Executors.newCachedThreadPool(daemonThreads());
    Proxies proxies = new Proxies(threads);
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(address.getPort(), address.getHostString())
            .setIoThreads(IO_THREADS)
            .setWorkerThreads(WORKER_THREADS)
            .setHandler(new ApiHandler(proxies))
            .build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      threads.shutdownNow();
      throw new IllegalStateException("Toxiproxy API cannot listen on " + address, e);
    }
    InetSocketAddress bound = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    return new UndertowToxiproxyServer(undertow, proxies, threads, bound);
  }

  @Override
  public String url() {
    InetAddress host = bound.getAddress();
    String name =
        host.isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress().getHostAddress()
            : host.getHostAddress();
    return "http://" + (name.contains(":") ? "[" + name + "]" : name) + ":" + bound.getPort();
  }

  @Override
  public int port() {
    return bound.getPort();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    undertow.stop();
    proxies.close();
    threads.shutdownNow();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "toxiproxy-" + count.incrementAndGet());
      thread.setDaemon(true); // proxy threads must never keep a test JVM alive
      return thread;
    };
  }
}
