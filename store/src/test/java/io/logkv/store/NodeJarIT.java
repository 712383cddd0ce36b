package io.logkv.store;

import static io.logkv.store.ReplicationIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logkv.kafkalocal.FreePorts;
import io.logkv.store.config.NodeConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/** The runnable jar, as a user runs it: what it holds, its help, and a node started by hand. */
@ExtendWith(SharedBroker.class)
class NodeJarIT {
  private static final Path JAR = Path.of(System.getProperty("logkv.store.jar", "target/logkv-store.jar"));

  @Test
  void jar_holdsNoBrokerJmhOrTestCode() throws IOException {
    List<String> forbidden = List.of(
        "kafka/Kafka.class", "kafka/server/", "scala/", "org/openjdk/jmh/", "org/junit/", "org/assertj/",
        "io/logkv/kafkalocal/", "org/testcontainers/", "io/logkv/store/ReplicationIT", "org/bouncycastle/");
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> offending = jar.stream()
          .map(e -> e.getName())
          .filter(name -> forbidden.stream().anyMatch(name::startsWith))
          .limit(10)
          .collect(Collectors.toList());
      assertThat(offending).isEmpty();
      assertThat(jar.getEntry("io/logkv/store/Main.class")).isNotNull();
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.logkv.store.Main");
    }
  }

  @Test
  void help_listsEveryOption() throws Exception {
    Result help = run(List.of("--help"), Map.of());
    assertThat(help.exitCode).isZero();
    for (OptionSpec o : NodeConfig.commandLine(new NodeConfig(), Map.of()).getCommandSpec().options()) {
      assertThat(help.output).contains(o.longestName());
    }
    assertThat(help.output).contains("LOGKV_");
  }

  @Test
  void missingOrBadOptions_exitWithAClearMessage() throws Exception {
    Result missing = run(List.of("--port", "0"), Map.of());
    assertThat(missing.exitCode).isEqualTo(2);
    assertThat(missing.output).contains("--bootstrap-servers");
    Result bad = run(List.of("--bootstrap-servers", "x:1", "--write-timeout", "soon"), Map.of());
    assertThat(bad.exitCode).isEqualTo(2);
    assertThat(bad.output).contains("--write-timeout").contains("soon");
  }

  @Test
  void nodeStartedByHand_servesPutGetDeleteAndTtl(@TempDir Path dir) throws Exception {
    int port = FreePorts.next();
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString(),
        "--port", Integer.toString(port), "--topic", "jar-test", "--data-dir", dir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
    // Settings from the environment, as a container would pass them.
    pb.environment().put("LOGKV_BOOTSTRAP_SERVERS", SharedBroker.bootstrapServers());
    pb.environment().put("LOGKV_NODE_ID", "by-hand");
    Process node = pb.start();
    try {
      String url = "http://127.0.0.1:" + port;
      awaitReady(node, url, dir.resolve("node.log"));
      var status = json(Http.get(url + "/status").body());
      assertThat(status.get("node_id").asText()).isEqualTo("by-hand");
      // How long each start-up step took, in /status and in one line of the log.
      var startup = status.get("startup");
      for (String key : StartupTimeline.KEYS) {
        assertThat(startup.get(key).asLong()).as(key).isNotNegative();
      }
      assertThat(startup.get("total_ms").asLong()).isPositive()
          .isGreaterThanOrEqualTo(startup.get("jvm_ms").asLong() + startup.get("config_ms").asLong());
      assertThat(startup.get("jvm_ms").asLong()).isPositive();
      assertThat(Files.readAllLines(dir.resolve("node.log")).stream().map(StartupTimeline::parseReadyLine)
          .filter(m -> !m.isEmpty()).toList())
          .singleElement().satisfies(m -> assertThat(m).containsEntry("node", "by-hand")
              .containsEntry("total_ms", startup.get("total_ms").asText()));

      assertThat(Http.put(url + "/keys/hand", "made").statusCode()).isEqualTo(200);
      assertThat(Http.get(url + "/keys/hand").body()).isEqualTo("made");
      assertThat(Http.put(url + "/keys/hand?ttl=1h", "again").statusCode()).isEqualTo(200);
      HttpResponse<String> withTtl = Http.get(url + "/keys/hand");
      assertThat(withTtl.headers().firstValue("X-Expires-At")).isPresent();
      assertThat(Http.post(url + "/keys/hand/ttl?ttl=2h", "").statusCode()).isEqualTo(200);
      assertThat(Http.delete(url + "/keys/hand").statusCode()).isEqualTo(204);
      assertThat(Http.get(url + "/keys/hand").statusCode()).isEqualTo(404);

      String log = Files.readString(dir.resolve("node.log"));
      assertThat(log).contains("node-id              = by-hand (LOGKV_NODE_ID)");
    } finally {
      node.destroy();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(dir.resolve("node.log"))).contains("node by-hand stopped");
  }

  private static void awaitReady(Process node, String url, Path log) throws Exception {
    await().atMost(Duration.ofSeconds(90)).ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class)
        .failFast("the node exited", () -> assertThat(node.isAlive()).as(Files.readString(log)).isTrue())
        .until(() -> Http.get(url + "/health/ready").statusCode() == 200);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> args, Map<String, String> env) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("LOGKV_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
