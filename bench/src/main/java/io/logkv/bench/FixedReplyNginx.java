package io.logkv.bench;

import io.logkv.cluster.HttpProbe;
import io.logkv.kafkalocal.ChildProcess;
import io.logkv.kafkalocal.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP ceilings of this machine, two nginx processes: one answering every request with a
 * fixed 200 and a body of the given size (no server here answers faster than nginx doing
 * nothing), and one run with the project's own configuration ({@code nginx/logkv.conf.template}:
 * keep-alive upstream, failover) proxying to the first (no cluster behind nginx answers faster
 * than nginx proxying to nginx doing nothing).
 */
final class FixedReplyNginx implements AutoCloseable {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(LOGKV_[A-Z_]+)}");
  private static final String TEMPLATE = "/nginx/logkv.conf.template";

  private final int port = FreePorts.next();
  private final int proxyPort = FreePorts.next();
  private final ChildProcess fixed;
  private final ChildProcess proxy;

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
    // As the cluster launcher renders it for its nodes (io.logkv.cluster.Nginx), with this
    // machine's fixed reply as the only node.
    Map<String, String> values = Map.of(
        "LOGKV_NGINX_PREFIX", proxyDir.toString(),
        "LOGKV_NGINX_LOG_DIR", proxyDir.toString(),
        "LOGKV_NGINX_LISTEN", "127.0.0.1:" + proxyPort,
        "LOGKV_NGINX_SERVERS", "        server 127.0.0.1:" + port + " max_fails=1 fail_timeout=2s;",
        "LOGKV_NGINX_MAX_BODY", "8m",
        "LOGKV_NGINX_READ_TIMEOUT", "6000ms",
        "LOGKV_NGINX_RETRY_WINDOW", "18000ms",
        "LOGKV_NGINX_MODULES", "",
        "LOGKV_NGINX_ROUTING", "    map $logkv_group $logkv_upstream { default $logkv_group; }");
    try {
      Files.createDirectories(fixedDir);
      Files.createDirectories(proxyDir);
      Files.writeString(fixedDir.resolve("nginx.conf"), conf);
      Files.writeString(proxyDir.resolve("nginx.conf"), render(template(), values));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    fixed = process("nginx-fixed", nginx, fixedDir);
    proxy = process("nginx-proxy", nginx, proxyDir);
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
    proxy.start();
    proxy.awaitReady(() -> HttpProbe.answers200(proxyUrl() + "/nginx-health"), Duration.ofSeconds(20),
        "answering on " + proxyPort);
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

  private static String template() {
    try (InputStream in = FixedReplyNginx.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " is missing from the class path (it comes with logkv-cluster)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces every ${LOGKV_...}; one without a value is an error, never left in. */
  private static String render(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("no value for " + m.group(1) + " in " + TEMPLATE);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Override
  public void close() {
    proxy.stop(Duration.ofSeconds(10));
    fixed.stop(Duration.ofSeconds(10));
  }
}
