package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolFinderTest {
  private static final List<Tool> ALL = List.of(Tool.WRK, Tool.NGINX, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK);

  @Test
  void emptyPath_findsNoTool() {
    ToolFinder finder = ToolFinder.onPath("");
    for (Tool t : ALL) {
      assertThat(finder.find(t)).as(t.command()).isEmpty();
    }
    assertThat(finder.missing(Tool.WRK, Tool.NGINX, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK)).isEqualTo(ALL);
  }

  @Test
  void aMissingTool_isNamedWithItsInstallCommand() {
    assertThat(Tool.notRun(List.of(Tool.WRK))).isEqualTo("NOT RUN: wrk missing; install with `sudo apt-get install wrk`");
    assertThat(Tool.notRun(List.of(Tool.NGINX)))
        .isEqualTo("NOT RUN: nginx missing; install with `sudo apt-get install nginx-light`");
    // One package brings both Redis programs: it is named once.
    assertThat(Tool.notRun(List.of(Tool.WRK, Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK))).isEqualTo(
        "NOT RUN: wrk, redis-server, redis-benchmark missing; install with `sudo apt-get install wrk redis-server`");
  }

  @Test
  void report_withAnEmptyPath_givesEveryFigureThatNeedsATool_aNotRunRow_andWarns() {
    List<String> warnings = new ArrayList<>();
    Report report = new Report(warnings::add);
    ToolFinder finder = ToolFinder.onPath("");
    report.notRun("GET through nginx", finder.missing(Tool.WRK, Tool.NGINX), ">= 0.8x");

    assertThat(report.rows()).containsExactly(new Report.Row("GET through nginx",
        "NOT RUN: wrk, nginx missing; install with `sudo apt-get install wrk nginx-light`", "", "", ">= 0.8x", "NOT RUN"));
    assertThat(report.notRun()).hasSize(1);
    assertThat(warnings).singleElement().asString().contains("GET through nginx", "sudo apt-get install wrk nginx-light");
  }

  @Test
  void findsAnExecutableFile_inTheFirstDirectoryThatHasOne(@TempDir Path tmp) throws Exception {
    Path first = Files.createDirectories(tmp.resolve("first"));
    Path second = Files.createDirectories(tmp.resolve("second"));
    Files.createDirectories(first.resolve("wrk")); // a directory is not a program
    Files.writeString(first.resolve("nginx"), "not executable");
    Path wrk = Files.writeString(second.resolve("wrk"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(wrk, PosixFilePermissions.fromString("rwxr-xr-x"));

    ToolFinder finder = ToolFinder.onPath(first + "::" + second);

    assertThat(finder.find(Tool.WRK)).contains(wrk);
    assertThat(finder.find(Tool.NGINX)).isEmpty();
    assertThat(finder.missing(Tool.WRK, Tool.NGINX)).containsExactly(Tool.NGINX);
  }

  @Test
  void findsAModule_thatIsAFileButNotExecutable_andNamesItsPackageWhenMissing(@TempDir Path tmp) throws Exception {
    Path module = Files.writeString(tmp.resolve(Tool.NJS.command()), "not executable");

    assertThat(ToolFinder.onPath(tmp.toString()).find(Tool.NJS)).contains(module);
    assertThat(ToolFinder.onPath("").find(Tool.NJS)).isEmpty();
    assertThat(Tool.notRun(List.of(Tool.NGINX, Tool.NJS))).isEqualTo("NOT RUN: nginx, nginx's njs module ("
        + Tool.NJS.command() + ") missing; install with `sudo apt-get install nginx-light libnginx-mod-http-js`");
  }
}
