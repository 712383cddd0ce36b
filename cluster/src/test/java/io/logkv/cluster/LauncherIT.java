package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.logkv.cluster.tls.TlsFiles;
import io.logkv.kafkalocal.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `java -jar logkv-cluster.jar up`, as a user runs it, and what it leaves behind. */
class LauncherIT {
  private static final Path JAR = Path.of(System.getProperty("logkv.cluster.jar", "target/logkv-cluster.jar"));

  /** A launcher process and the ports it was told to use. */
  private static final class Launch implements AutoCloseable {
    final Process process;
    final Path output;
    final int nginxPort = FreePorts.next();
    final int nodePort = FreePorts.next();
    final int kafkaPort = FreePorts.nextBlock(3);
    final int controllerPort = FreePorts.nextBlock(3);
    final int brokers;

    /** {@code up} with one node and {@code brokers} brokers (its default is 3). */
    Launch(Path dataDir, int brokers, String... extra) throws Exception {
      this.brokers = brokers;
      output = dataDir.resolveSibling(dataDir.getFileName() + "-launcher-" + System.nanoTime() + ".txt");
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "up",
          "--nodes", "1", "--brokers", Integer.toString(brokers),
          "--port", Integer.toString(nginxPort), "--node-port", Integer.toString(nodePort),
          "--kafka-port", Integer.toString(kafkaPort), "--controller-port", Integer.toString(controllerPort),
          "--data-dir", dataDir.toString()));
      cmd.addAll(List.of(extra));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    String awaitUp() {
    return await().atMost(Duration.ofSeconds(120))
        .failFast("the launcher exited", () -> assertThat(process.isAlive()).as(Files.readString(output)).isTrue())
        .until(() -> Files.readString(output), out -> out.contains("Press Ctrl-C"));
    }

    List<Integer> ports() {
      List<Integer> ports = new ArrayList<>(List.of(nginxPort, nodePort));
      for (int i = 0; i < brokers; i++) {
        ports.add(kafkaPort + i);
        ports.add(controllerPort + i);
      }
      return ports;
    }

    List<ProcessHandle> descendants() {
      return process.toHandle().descendants().collect(Collectors.toList());
    }

    @Override
    public void close() {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  @Timeout(300)
  void up_thenSigterm_stopsEveryChild_andASecondUpKeepsTheData(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (Launch first = new Launch(data, 3)) {
      String table = first.awaitUp();
      assertThat(table).contains("nginx").contains("n1").contains("kafka-1").contains("kafka-2").contains("kafka-3")
          .contains("http://127.0.0.1:" + first.nginxPort);
      // The node made the topic on three brokers: an acknowledged write survives the loss of one.
      String status = Client.get("http://127.0.0.1:" + first.nodePort + "/status").body();
      assertThat(status).contains("\"replication_factor\":3").contains("\"min_insync_replicas\":2");
      assertThat(Client.put("http://127.0.0.1:" + first.nginxPort + "/keys/kept", "across-restarts").statusCode())
          .isEqualTo(200);

      // A node killed from outside (a crash, the OOM killer) is started again by the launcher.
      ProcessHandle node = first.descendants().stream()
          .filter(p -> p.info().commandLine().orElse("").contains("io.logkv.store.Main")).findFirst().orElseThrow();
      node.destroyForcibly();
      await("the launcher restarts the killed node").atMost(Duration.ofSeconds(120))
          .until(() -> Files.readString(first.output), out -> out.contains("n1 exited unexpectedly")
              && out.contains("n1 restarted and ready"));
      assertThat(node.isAlive()).isFalse();
      assertThat(Client.get("http://127.0.0.1:" + first.nodePort + "/keys/kept").body()).isEqualTo("across-restarts");
      List<ProcessHandle> children = first.descendants();
      assertThat(children).isNotEmpty();

      first.process.destroy(); // SIGTERM
      assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertGone(children, first.ports());
      assertThat(Files.readString(first.output)).contains("stopped.");
    }
    assertThat(data.resolve("logs/kafka-1.log")).exists();
    assertThat(data.resolve("logs/n1.log")).exists();

    try (Launch second = new Launch(data, 3)) {
      second.awaitUp();
      assertThat(Client.get("http://127.0.0.1:" + second.nginxPort + "/keys/kept").body()).isEqualTo("across-restarts");
      List<ProcessHandle> children = second.descendants();
      second.process.destroy();
      assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertGone(children, second.ports());
    }
  }

  @Test
  @Timeout(300)
  void launcherKilledWithSigkill_leavesNoOrphanHoldingAPort(@TempDir Path dir) throws Exception {
    try (Launch launch = new Launch(dir.resolve("data"), 1)) {
      launch.awaitUp();
      List<ProcessHandle> children = launch.descendants();
      assertThat(children.size()).isGreaterThanOrEqualTo(3); // broker, node, nginx (and its shell)

      launch.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(launch.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertGone(children, launch.ports());
    }
  }

  @Test
  @Timeout(300)
  void withoutNginx_saysHowToInstallIt_andKeepsTheNodesUp(@TempDir Path dir) throws Exception {
    try (Launch launch = new Launch(dir.resolve("data"), 1, "--nginx", "no-such-nginx")) {
      String out = launch.awaitUp();
      assertThat(out).contains("apt-get install nginx");
      assertThat(Client.put("http://127.0.0.1:" + launch.nodePort + "/keys/direct", "ok").statusCode()).isEqualTo(200);
      List<ProcessHandle> children = launch.descendants();
      launch.process.destroy();
      assertThat(launch.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertGone(children, launch.ports());
    }
  }

  @Test
  @Timeout(300)
  void upWithTlsAndTokens_servesHttpsToATokenHolder_andASecondUpReusesTheCa(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path tokens = Files.writeString(dir.resolve("tokens"), "launcher-token-0123456789 read,write\n");
    byte[] ca;
    try (Launch first = new Launch(data, 1, "--tls", "--auth-file", tokens.toString())) {
      String table = first.awaitUp();
      Path caFile = data.resolve("tls/ca.crt");
      assertThat(table).contains("https://127.0.0.1:" + first.nginxPort).contains("clients trust " + caFile.toAbsolutePath())
          .contains("--cacert").contains("Authorization: Bearer");
      HttpClient https = HttpClient.newBuilder().sslContext(TlsFiles.trusting(caFile)).build();
      String url = "https://127.0.0.1:" + first.nginxPort + "/keys/tls-kept";
      HttpResponse<String> put = https.send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer launcher-token-0123456789")
          .PUT(HttpRequest.BodyPublishers.ofString("over-https")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      HttpResponse<String> noToken = https.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(Client.get("http://127.0.0.1:" + first.nginxPort + "/keys/tls-kept").statusCode())
          .as("plain HTTP on the HTTPS port").isEqualTo(400);
      ca = Files.readAllBytes(caFile);
      first.process.destroy();
      assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    try (Launch second = new Launch(data, 1, "--tls", "--auth-file", tokens.toString())) {
      second.awaitUp();
      assertThat(Files.readAllBytes(data.resolve("tls/ca.crt"))).as("the CA is reused").isEqualTo(ca);
      HttpClient https = HttpClient.newBuilder().sslContext(TlsFiles.trusting(data.resolve("tls/ca.crt"))).build();
      HttpResponse<String> get = https.send(HttpRequest.newBuilder(
              URI.create("https://127.0.0.1:" + second.nginxPort + "/keys/tls-kept"))
          .header("Authorization", "Bearer launcher-token-0123456789").timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(get.body()).isEqualTo("over-https");
      second.process.destroy();
      assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void assertGone(List<ProcessHandle> processes, List<Integer> ports) {
    await("every child gone and every port closed").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(processes.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().command().orElse("?")))
          .as("processes left behind")
          .isEmpty();
      assertThat(ports.stream().filter(FreePorts::isListening)).as("ports still listening").isEmpty();
    });
  }
}
