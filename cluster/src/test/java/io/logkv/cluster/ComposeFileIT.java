package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.logkv.cluster.tls.LocalCertificates;
import io.logkv.cluster.tls.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of docker-compose.yml without an engine: the compose client accepts the
 * file (and it with docker-compose.secure.yml), every image is built from the project's own
 * Dockerfiles, the nginx service sets every placeholder of the template the local launcher
 * renders that the image's entrypoint does not derive, and that entrypoint renders a
 * configuration nginx accepts. Bringing it up is
 * chaos/docker/compose-check.sh, in the Docker stage of .ci/run.
 */
class ComposeFileIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");

  /**
   * Images are built from the repository root with a .dockerignore that sends only what the
   * Dockerfiles copy: a Dockerfile that copies a path the ignore file leaves out cannot build.
   */
  @Test
  void everyPathADockerfileCopies_isInTheBuildContext() throws Exception {
    List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
    assertThat(ignore).as("everything else is left out").contains("*");
    List<String> allowed = ignore.stream()
        .filter(l -> l.startsWith("!")).map(l -> l.substring(1).replaceAll("/$", "")).toList();
    List<Path> dockerfiles;
    try (var files = Files.list(ROOT)) {
      dockerfiles = files.map(dir -> dir.resolve("Dockerfile")).filter(Files::isRegularFile).toList();
    }
    assertThat(dockerfiles).hasSizeGreaterThanOrEqualTo(4);
    Pattern copy = Pattern.compile("(?m)^(?:COPY|ADD)\\s+(?:--\\S+\\s+)*(\\S+)\\s+\\S+\\s*$");
    int copies = 0;
    for (Path dockerfile : dockerfiles) {
      Matcher c = copy.matcher(Files.readString(dockerfile));
      while (c.find()) {
        String source = c.group(1).replaceAll("/$", "");
        copies++;
        assertThat(allowed).as(ROOT.relativize(dockerfile) + " copies " + source + ": .dockerignore must let it in")
            .anyMatch(a -> source.equals(a) || source.startsWith(a + "/"));
      }
    }
    assertThat(copies).isGreaterThanOrEqualTo(7);
  }

  @Test
  void nginxService_setsEveryPlaceholderOfTheSharedTemplate() throws Exception {
    String template = Files.readString(ROOT.resolve("nginx/logkv.conf.template"));
    String compose = Files.readString(COMPOSE);
    TreeSet<String> placeholders = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{(LOGKV_[A-Z_]+)}").matcher(template);
    while (m.find()) {
      placeholders.add(m.group(1));
    }
    assertThat(placeholders).isNotEmpty();
    String entrypoint = Files.readString(ROOT.resolve("nginx/docker-entrypoint.sh"));
    TreeSet<String> derived = new TreeSet<>();
    Matcher d = Pattern.compile("(?m)^\\s*(LOGKV_NGINX_[A-Z_]+)=").matcher(entrypoint);
    while (d.find()) {
      derived.add(d.group(1));
    }
    assertThat(derived).as("what the entrypoint derives (TLS lines, the exempt ranges)")
        .contains("LOGKV_NGINX_SSL", "LOGKV_NGINX_TLS", "LOGKV_NGINX_RATE_EXEMPT_GEO");
    for (String p : placeholders) {
      assertThat(entrypoint).as("the entrypoint's envsubst fills in " + p).containsPattern("\\$\\{" + p + "}['\\s]");
      if (!derived.contains(p)) {
        assertThat(compose).as("docker-compose.yml sets " + p).containsPattern("(?m)^\\s+" + p + ":");
      }
    }
    for (String input : List.of("LOGKV_NGINX_TLS_CERT", "LOGKV_NGINX_TLS_KEY", "LOGKV_NGINX_RATE_EXEMPT")) {
      assertThat(compose).as("docker-compose.yml sets " + input).containsPattern("(?m)^\\s+" + input + ":");
    }
    assertThat(compose).contains("dockerfile: store/Dockerfile", "dockerfile: kafka-local/Dockerfile",
        "dockerfile: nginx/Dockerfile");
    assertThat(Files.readString(ROOT.resolve("store/Dockerfile"))).contains("COPY store/target/logkv-store.jar");
    assertThat(Files.readString(ROOT.resolve("nginx/Dockerfile"))).contains("COPY nginx/logkv.conf.template");
  }

  @Test
  void composeClient_acceptsTheFile_aloneAndWithTheSecureAndShardedOverrides() throws Exception {
    Optional<List<String>> client = composeClient();
    assumeTrue(client.isPresent(), "no docker compose client on this machine (docker compose plugin or docker-compose)");
    for (List<String> files : List.of(List.of(COMPOSE.toString()),
        List.of(COMPOSE.toString(), ROOT.resolve("docker-compose.secure.yml").toString()),
        List.of(COMPOSE.toString(), ROOT.resolve("docker-compose.sharded.yml").toString()))) {
      List<String> cmd = new java.util.ArrayList<>(client.get());
      files.forEach(f -> cmd.addAll(List.of("-f", f)));
      cmd.addAll(List.of("config"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      if (files.get(files.size() - 1).endsWith("secure.yml")) {
        assertThat(out).contains("LOGKV_AUTH_FILE: /etc/logkv/tokens").contains("LOGKV_NGINX_TLS_CERT: /etc/logkv/tls/server.crt");
      } else if (files.get(files.size() - 1).endsWith("sharded.yml")) {
        // Every node: the same member list and R, its own id, and the bootstrap servers kept.
        assertThat(out.split("LOGKV_MEMBERS: n1=http://n1:8081,n2=http://n2:8082,n3=http://n3:8083", -1)).hasSize(4);
        assertThat(out.split("LOGKV_REPLICAS: '2'|LOGKV_REPLICAS: \"2\"", -1)).hasSize(4);
        assertThat(out).contains("LOGKV_NODE_ID: n3").contains("LOGKV_BOOTSTRAP_SERVERS: kafka1:9092,kafka2:9092,kafka3:9092");
      } else {
        assertThat(out).containsPattern("LOGKV_INSECURE: ['\"]true['\"]");
      }
    }
  }

  /**
   * The image's entrypoint, run here with this machine's nginx and envsubst: its configuration,
   * plain and with a certificate, is one nginx accepts, HTTPS and the exemptions included.
   */
  @Test
  void nginxEntrypoint_rendersAConfigurationNginxAccepts_plainAndHttps(@TempDir Path dir) throws Exception {
    assumeTrue(Nginx.find("nginx").isPresent() && Files.isExecutable(Path.of("/usr/bin/envsubst")),
        "needs nginx and envsubst (gettext-base) on this machine");
    TlsFiles tls = LocalCertificates.ensure(dir.resolve("tls"));
    String plain = runEntrypoint(dir.resolve("plain"), Map.of());
    assertThat(plain).contains("listen  8080 backlog=1024;").contains("# plain HTTP")
        .contains("127.0.0.0/8  1;").contains("::1  1;").doesNotContain("${LOGKV_");
    String https = runEntrypoint(dir.resolve("https"), Map.of(
        "LOGKV_NGINX_TLS_CERT", tls.certificate().toString(), "LOGKV_NGINX_TLS_KEY", tls.key().toString(),
        "LOGKV_NGINX_RATE_EXEMPT", "10.0.0.0/8 192.168.0.0/16"));
    assertThat(https).contains("listen  8080 ssl backlog=1024;")
        .contains("ssl_certificate      \"" + tls.certificate() + "\";")
        .contains("10.0.0.0/8  1;").contains("192.168.0.0/16  1;").doesNotContain("127.0.0.0/8  1;");
  }

  private static String runEntrypoint(Path dir, Map<String, String> env) throws Exception {
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder("sh", ROOT.resolve("nginx/docker-entrypoint.sh").toString(), "--check")
        .redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.put("PATH", Nginx.find("nginx").orElseThrow().getParent() + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
    e.put("LOGKV_NGINX_TEMPLATE", ROOT.resolve("nginx/logkv.conf.template").toString());
    e.put("LOGKV_NGINX_CONF", dir.resolve("nginx.conf").toString());
    e.put("LOGKV_NGINX_PREFIX", dir.resolve("prefix").toString());
    e.put("LOGKV_NGINX_LOG_DIR", dir.resolve("logs").toString());
    e.put("LOGKV_NGINX_LISTEN", "8080");
    e.put("LOGKV_NGINX_SERVERS", "        server 127.0.0.1:8081 max_fails=1 fail_timeout=2s;");
    e.put("LOGKV_NGINX_MAX_BODY", "8m");
    e.put("LOGKV_NGINX_READ_TIMEOUT", "6s");
    e.put("LOGKV_NGINX_RETRY_WINDOW", "18s");
    e.putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("test is successful");
    return out;
  }

  private static Optional<List<String>> composeClient() {
    for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      try {
        List<String> version = new java.util.ArrayList<>(candidate);
        version.add("version");
        Process p = new ProcessBuilder(version).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(candidate);
        }
      } catch (Exception notThere) {
        // try the next client
      }
    }
    return Optional.empty();
  }
}
