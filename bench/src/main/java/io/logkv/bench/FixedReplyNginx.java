package io.logkv.bench;

import io.logkv.cluster.Nginx;
import io.logkv.cluster.NginxSettings;
import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP ceilings of this machine, two nginx processes: one answering every request with a
 * fixed 200 and a body of the given size (no server here answers faster than nginx doing
 * nothing), and one run with the project's own configuration ({@code nginx/logkv.conf.template}:
 * keep-alive upstream, failover) proxying to the first (no cluster behind nginx answers faster
 * than nginx proxying to nginx doing nothing).
 */
final class FixedReplyNginx implements AutoCloseable {
  private final int port = FreePorts.next();
  private final int proxyPort = FreePorts.next();
  private final ChildProcess fixed;
  private final Nginx proxy;

  FixedReplyNginx(Path nginx, Path dir, int bodyBytes) {
    Path fixedDir = dir.resolve("fixed").toAbsolutePath();
    Path proxyDir = dir.resolve("proxy").toAbsolutePath();
    String conf = """
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fcgi;
          uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
          keepalive_requests 10000000;
          server {
            listen 127.0.0.1:%2$d backlog=1024;
            location / { default_type application/octet-stream; return 200 "%3$s"; }
          }
        }
        """.formatted(fixedDir, port, "x".repeat(bodyBytes));
    try {
      Files.createDirectories(fixedDir);
      Files.createDirectories(proxyDir);
      Files.writeString(fixedDir.resolve("nginx.conf"), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    fixed = process("nginx-fixed", nginx, fixedDir);
    // As the cluster launcher runs it in front of its nodes, with this machine's fixed reply as
    // the only node.
    proxy = new Nginx(nginx, proxyPort, List.of(port), NginxSettings.defaults(), proxyDir, proxyDir);
  }

  private static ChildProcess process(String name, Path nginx, Path dir) {
    // As root, nginx's workers would run as "nobody" and could not reach a private temp dir.
    boolean root = "root".equals(System.getProperty("user.name"));
    return ChildProcess.shellWatched(name, List.of(nginx.toString(), "-p", dir.toString(),
        "-c", dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString(),
        "-g", "daemon off;" + (root ? " user root;" : "")), dir.resolve("nginx.out"));
  }

  FixedReplyNginx start() {
    fixed.start();
    fixed.awaitReady(() -> FreePorts.isListening(port), Duration.ofSeconds(20), "listening on " + port);
    proxy.start(Duration.ofSeconds(20));
    return this;
  }

  /** The fixed reply, straight. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The fixed reply through nginx configured as in front of logkv's nodes. */
  String proxyUrl() {
    return "http://127.0.0.1:" + proxyPort;
  }

  @Override
  public void close() {
    proxy.stop();
    fixed.stop(Duration.ofSeconds(10));
  }
}
