package io.logkv.cluster;

import io.logkv.cluster.tls.TlsFiles;
import io.logkv.kafkalocal.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx from the machine, run in the foreground as a child process with a configuration rendered
 * from the project's template ({@code nginx/logkv.conf.template}, packed into this jar) and its
 * {@link NginxSettings}: plain HTTP or HTTPS, timeouts, and the per-client rate limit.
 */
public final class Nginx implements AutoCloseable {
  /** Debian's njs module (libnginx-mod-http-js); the official nginx image has it at the same path. */
  public static final Path NJS_MODULE = Path.of("/usr/lib/nginx/modules/ngx_http_js_module.so");
  /** Round robin over the nodes, whatever the key. */
  static final String NO_ROUTING = "    map $logkv_group $logkv_upstream { default $logkv_group; }";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(LOGKV_[A-Z_]+)}");
  private final Path binary;
  private final int port;
  private final NginxSettings settings;
  private final Path prefix;
  private final Path config;
  private final ChildProcess process;

  /**
   * nginx in front of nodes that each hold every key (round robin), as the launcher runs it; the
   * benchmarks use it to measure nginx's own cost.
   */
  public Nginx(Path binary, int port, List<Integer> upstreamPorts, NginxSettings settings, Path prefix, Path logDir) {
    this(binary, port, upstreamPorts, settings, prefix, logDir, Optional.empty());
  }

  /**
   * @param upstreamPorts the nodes' ports on 127.0.0.1
   * @param prefix nginx's working directory (pid file, temp files)
   * @param logDir where its error log and captured output go
   */
  Nginx(Path binary, int port, List<Integer> upstreamPorts, NginxSettings settings, Path prefix, Path logDir,
      Optional<OwnerRouting> routing) {
    this.binary = binary;
    this.port = port;
    this.settings = settings;
    this.prefix = prefix.toAbsolutePath();
    this.config = this.prefix.resolve("nginx.conf");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("LOGKV_NGINX_PREFIX", this.prefix.toString());
    values.put("LOGKV_NGINX_LOG_DIR", logDir.toAbsolutePath().toString());
    values.put("LOGKV_NGINX_LISTEN", "127.0.0.1:" + port);
    StringBuilder servers = new StringBuilder();
    for (int p : upstreamPorts) {
      servers.append("        server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=2s;\n");
    }
    values.put("LOGKV_NGINX_SERVERS", servers.toString().stripTrailing());
    values.put("LOGKV_NGINX_MAX_BODY", settings.maxBody());
    values.put("LOGKV_NGINX_READ_TIMEOUT", settings.readTimeout().toMillis() + "ms");
    // Room for the three tries nginx makes, each bounded by the read timeout.
    values.put("LOGKV_NGINX_RETRY_WINDOW", (3 * settings.readTimeout().toMillis()) + "ms");
    values.put("LOGKV_NGINX_CLIENT_TIMEOUT", settings.clientTimeout().toMillis() + "ms");
    values.put("LOGKV_NGINX_IDLE_TIMEOUT", settings.idleTimeout().toMillis() + "ms");
    values.putAll(tlsValues(settings.tls()));
    NginxSettings.RateLimit limit = settings.rateLimit();
    values.put("LOGKV_NGINX_RATE", limit.perSecond() + "r/s");
    values.put("LOGKV_NGINX_RATE_BURST", Integer.toString(limit.burst()));
    values.put("LOGKV_NGINX_RATE_EXEMPT_GEO", limit.exempt().stream().map(a -> "        " + a + "  1;")
        .collect(java.util.stream.Collectors.joining("\n")));
    values.put("LOGKV_NGINX_MODULES", routing.isPresent() ? "load_module " + NJS_MODULE + ";" : "");
    values.put("LOGKV_NGINX_ROUTING", routing.map(r -> r.directives(this.prefix, upstreamPorts)).orElse(NO_ROUTING));
    try {
      Files.createDirectories(this.prefix);
      Files.createDirectories(logDir);
      if (routing.isPresent()) {
        Files.writeString(this.prefix.resolve("logkv-route.js"), routing.get().script(), StandardCharsets.UTF_8);
      }
      Files.writeString(config, render(template(), values), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the nginx configuration to " + config, e);
    }
    List<String> command = new ArrayList<>(List.of(
        binary.toString(), "-p", this.prefix.toString(), "-c", config.toString(),
        "-e", logDir.toAbsolutePath().resolve("nginx-error.log").toString(),
        // As root, nginx's workers would run as "nobody" and could not reach a private temp dir.
        "-g", "daemon off;" + (isRoot() ? " user root;" : "")));
    this.process = ChildProcess.shellWatched("nginx", command, logDir.resolve("nginx.log"));
  }

  /** The njs module, where it is installed. */
  public static Optional<Path> njsModule() {
    return Files.isRegularFile(NJS_MODULE) ? Optional.of(NJS_MODULE) : Optional.empty();
  }

  /**
   * Sharded mode with the njs module: each key goes to the owners of its partition, round robin
   * among them, and on to the next owner when one fails. One upstream group per distinct owner
   * list (at most one per partition): its owners, and the other members as backups, which nginx
   * uses only while it counts every owner failed (they forward to an owner that answers them).
   */
  public record OwnerRouting(io.logkv.store.shard.Membership membership) {

    /** The distinct owner lists, in order of first use by a partition. */
    private List<List<io.logkv.store.shard.Member>> ownerLists() {
      List<List<io.logkv.store.shard.Member>> lists = new ArrayList<>();
      for (int p = 0; p < membership.partitions(); p++) {
        List<io.logkv.store.shard.Member> owners = membership.owners(p);
        if (!lists.contains(owners)) {
          lists.add(owners);
        }
      }
      return lists;
    }

    /** The script with each partition's owner group filled in. */
    String script() {
      List<List<io.logkv.store.shard.Member>> lists = ownerLists();
      StringBuilder groups = new StringBuilder("[");
      for (int p = 0; p < membership.partitions(); p++) {
        groups.append(p == 0 ? "" : ",").append(lists.indexOf(membership.owners(p)));
      }
      groups.append(']');
      try (InputStream in = Nginx.class.getResourceAsStream("/nginx/logkv-route.js")) {
        String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return js.replace("/*PARTITIONS*/0", Integer.toString(membership.partitions()))
            .replace("/*OWNER_GROUPS*/[]", groups.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The http-level directives: the script, $logkv_upstream, and one upstream per owner list. */
    String directives(Path prefix, List<Integer> upstreamPorts) {
      StringBuilder d = new StringBuilder();
      d.append("    js_import logkv from ").append(prefix.resolve("logkv-route.js")).append(";\n");
      d.append("    js_set $logkv_upstream logkv.upstream;\n");
      List<io.logkv.store.shard.Member> members = membership.members();
      List<List<io.logkv.store.shard.Member>> lists = ownerLists();
      for (String group : List.of("logkv_memory", "logkv_log")) {
        for (int g = 0; g < lists.size(); g++) {
          d.append("    upstream ").append(group).append("_owners").append(g).append(" { # ")
              .append(lists.get(g).stream().map(io.logkv.store.shard.Member::id).toList()).append('\n');
          for (io.logkv.store.shard.Member owner : lists.get(g)) {
            d.append("        server 127.0.0.1:").append(upstreamPorts.get(members.indexOf(owner)))
                .append(" max_fails=1 fail_timeout=2s;\n");
          }
          for (io.logkv.store.shard.Member other : members) {
            if (!lists.get(g).contains(other)) {
              d.append("        server 127.0.0.1:").append(upstreamPorts.get(members.indexOf(other)))
                  .append(" max_fails=1 fail_timeout=2s backup;\n");
            }
          }
          d.append("        keepalive 32;\n    }\n");
        }
      }
      return d.toString().stripTrailing();
    }
  }

  /**
   * The template's TLS values: {@code LOGKV_NGINX_SSL} (the listen parameter) and {@code
   * LOGKV_NGINX_TLS} (the certificate lines). nginx/docker-entrypoint.sh derives the same from
   * {@code LOGKV_NGINX_TLS_CERT} and {@code LOGKV_NGINX_TLS_KEY}.
   */
  static Map<String, String> tlsValues(Optional<TlsFiles> tls) {
    if (tls.isEmpty()) {
      return Map.of("LOGKV_NGINX_SSL", "", "LOGKV_NGINX_TLS", "        # plain HTTP: no certificate given");
    }
    return Map.of("LOGKV_NGINX_SSL", " ssl", "LOGKV_NGINX_TLS",
        "        ssl_certificate      " + quoted(tls.get().certificate()) + ";\n"
            + "        ssl_certificate_key  " + quoted(tls.get().key()) + ";");
  }

  private static String quoted(Path p) {
    return '"' + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * The nginx binary: {@code nameOrPath} itself when it contains a slash, else looked up on the
   * PATH and then in /usr/sbin and /usr/local/sbin (where Debian puts it, off a user's PATH).
   */
  public static Optional<Path> find(String nameOrPath) {
    if (nameOrPath.contains("/")) {
      Path p = Path.of(nameOrPath);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.add("/usr/sbin");
    dirs.add("/usr/local/sbin");
    for (String dir : dirs) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, nameOrPath);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** How to get nginx, for the message shown when it is missing. */
  public static String installHint() {
    return "nginx was not found on the PATH (nor in /usr/sbin). Install it, e.g. on Debian or Ubuntu:\n"
        + "    sudo apt-get install nginx-light\n"
        + "or pass --nginx /path/to/nginx. The nodes are up and can be used directly.";
  }

  static String template() {
    try (InputStream in = Nginx.class.getResourceAsStream("/nginx/logkv.conf.template")) {
      if (in == null) {
        throw new IllegalStateException("nginx/logkv.conf.template is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces every ${LOGKV_...}; a placeholder without a value is an error, never left in. */
  static String render(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no value for " + m.group(1) + " in the nginx template");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Checks the rendered configuration with {@code nginx -t}; throws with nginx's words if bad. */
  void test() {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-t", "-p", prefix.toString(), "-c", config.toString(),
          "-e", "/dev/stderr", "-g", "daemon off;" + (isRoot() ? " user root;" : ""))
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("nginx -t rejected " + config + ":\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Nginx start(Duration timeout) {
    test();
    process.start();
    process.awaitReady(this::answers, timeout, "answering on " + url());
    return this;
  }

  public boolean answers() {
    if (settings.tls().isPresent()) {
      return HttpProbe.answers200OverTls(url() + "/nginx-health", settings.tls().get().certificate());
    }
    return HttpProbe.answers200(url() + "/nginx-health");
  }

  /** The settings it was rendered with. */
  public NginxSettings settings() {
    return settings;
  }


  public int port() {
    return port;
  }

  /** {@code https://127.0.0.1:port} with a certificate, else {@code http://}. */
  public String url() {
    return (settings.tls().isPresent() ? "https" : "http") + "://127.0.0.1:" + port;
  }

  public Path config() {
    return config;
  }

  public ChildProcess process() {
    return process;
  }

  public void stop() {
    process.stop(Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    stop();
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
