package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** The capacity section alone, in its quick variant: every figure gets its row, none invalid. */
class CapacityCommandIT {
  /**
   * Two 4-node clusters, one after the other: 3 to 10 minutes on a shared 2-core machine, so behind a
   * flag. Run it with {@code mvn -pl bench -am verify -Dit.test=CapacityCommandIT -Dlogkv.bench.capacityQuick=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "logkv.bench.capacityQuick", matches = "true",
      disabledReason = "two 4-node clusters take minutes: -Dlogkv.bench.capacityQuick=true runs it")
  @Timeout(value = 25, unit = TimeUnit.MINUTES)
  void capacityQuick_fromThePackagedJar_givesEveryCapacityFigureItsRow(@TempDir Path out) throws Exception {
    BenchJar.run(out, Duration.ofMinutes(20), "capacity", "--quick");

    String report = Files.readString(out.resolve("REPORT.md"));
    assertThat(report).contains("Quick mode", "Only these sections were run: [capacity]");
    List<String> rows = report.lines().filter(l -> l.startsWith("| ")).toList();
    for (String figure : CapacityFigures.FIGURES) {
      assertThat(rows).as(figure).anySatisfy(r -> assertThat(r).startsWith("| " + figure + " |"));
    }
    assertThat(report).as("no step had errors").doesNotContain("| " + Report.INVALID + " |");
    if (ToolFinder.forThisMachine().missing(Tool.WRK, Tool.NGINX, Tool.NJS).isEmpty()) {
      assertThat(report).doesNotContain(Report.NOT_RUN, Report.SKIPPED);
    }
    assertThat(out.resolve("report.json")).content().contains("\"capacity\"", "\"forwarded_round_robin\"");
  }
}
