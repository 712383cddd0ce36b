package io.logkv.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosReportTest {

  private static ScenarioResult result(String scenario, boolean passed, long readyMillis, long clientErrors) {
    return new ScenarioResult(scenario, "fault", scenario.endsWith("-sharded") ? "sharded N=3 R=2" : null, passed, "2026-11-25T00:00:00Z", 1000, null, null, null,
        readyMillis, 50L, clientErrors == 0 ? Map.of() : Map.of("503", clientErrors),
        Map.of("PUT", Map.of("OK", 10)), 100.0, 12.5, 40.0, 0, Map.of("lost-write", 0), 0, Map.of(),
        List.of(), "checked");
  }

  @Test
  void sideBySide_putsEachScenarioOfBothBackendsOnOneRow_inSuiteOrder(@TempDir Path root) throws Exception {
    Path docker = root.resolve("docker");
    result("node-kill-restart", true, 4000, 0).write(root.resolve("node-kill-restart.json"));
    result("node-pause", true, 0, 0).write(root.resolve("node-pause.json"));
    result("node-kill-restart", false, 6000, 3).write(docker.resolve("node-kill-restart.json"));

    Path file = ChaosReport.writeSideBySide(root, docker, List.of("node-kill-restart", "node-pause"));

    List<String> rows = Files.readAllLines(file).stream().filter(l -> l.startsWith("| node")).toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).startsWith("| node-kill-restart | yes / **NO** | 4000 / 6000 | 50 / 50 | 0 / 3 |");
    assertThat(rows.get(1)).startsWith("| node-pause | yes / – |");
  }

  @Test
  void report_saysTheModeOfEachRow_fullCopyForOldResults(@TempDir Path root) throws Exception {
    result("node-pause", true, 0, 0).write(root.resolve("node-pause.json"));
    result("node-pause-sharded", true, 0, 0).write(root.resolve("node-pause-sharded.json"));

    Path file = ChaosReport.write(root, List.of("header"), List.of("node-pause", "node-pause-sharded"));

    List<String> rows = Files.readAllLines(file).stream().filter(l -> l.startsWith("| [node")).toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).startsWith("| [node-pause](node-pause.png) | full copy | yes |");
    assertThat(rows.get(1)).startsWith("| [node-pause-sharded](node-pause-sharded.png) | sharded N=3 R=2 | yes |");
  }

  @Test
  void sideBySide_withoutAnyDockerRun_showsDashes(@TempDir Path root) throws Exception {
    result("full-restart", true, 100, 0).write(root.resolve("full-restart.json"));
    Path file = ChaosReport.writeSideBySide(root, root.resolve("docker"), List.of("full-restart"));
    assertThat(Files.readString(file)).contains("| full-restart | yes / – | 100 / – |");
  }
}
