package io.logkv.bench;

import io.logkv.cluster.Nginx;
import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * nginx answering every request with a fixed 200 and a body of the given size, the HTTP ceiling
 * of this machine: no server here can answer faster than nginx doing nothing.
 */
final class FixedReplyNginx implements AutoCloseable {
  private final int port = FreePorts.next();
  private final ChildProcess process;

  FixedReplyNginx(Path dir, int bodyBytes) {
    Path nginx = Nginx.find("nginx").orElseThrow(() -> new IllegalStateException(Nginx.installHint()));
    String body = "x".repeat(bodyBytes);
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
        """.formatted(dir.toAbsolutePath(), port, body);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("nginx.conf"), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    process = ChildProcess.shellWatched("nginx-fixed", List.of(nginx.toString(), "-p", dir.toAbsolutePath().toString(),
        "-c", dir.resolve("nginx.conf").toAbsolutePath().toString(), "-e", dir.resolve("error.log").toAbsolutePath().toString(),
        "-g", "daemon off;" + (root ? " user root;" : "")), dir.resolve("nginx.out"));
  }

  FixedReplyNginx start() {
    process.start();
    process.awaitReady(() -> FreePorts.isListening(port), Duration.ofSeconds(20), "listening on " + port);
    return this;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }
}
