package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of docker-compose.yml without an engine: the compose client accepts the
 * file, every image is built from the project's own Dockerfiles, and the nginx service sets every
 * placeholder of the template the local launcher renders. Bringing it up is
 * chaos/docker/compose-check.sh, in the Docker stage of .ci/run.
 */
class ComposeFileIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");

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
    for (String p : placeholders) {
      assertThat(compose).as("docker-compose.yml sets " + p).containsPattern("(?m)^\\s+" + p + ":");
    }
    assertThat(compose).contains("dockerfile: store/Dockerfile", "dockerfile: kafka-local/Dockerfile",
        "dockerfile: nginx/Dockerfile");
    assertThat(Files.readString(ROOT.resolve("store/Dockerfile"))).contains("COPY store/target/logkv-store.jar");
    assertThat(Files.readString(ROOT.resolve("nginx/Dockerfile"))).contains("COPY nginx/logkv.conf.template");
  }

  @Test
  void composeClient_acceptsTheFile() throws Exception {
    Optional<List<String>> client = composeClient();
    assumeTrue(client.isPresent(), "no docker compose client on this machine (docker compose plugin or docker-compose)");
    List<String> cmd = new java.util.ArrayList<>(client.get());
    cmd.addAll(List.of("-f", COMPOSE.toString(), "config", "-q"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
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
