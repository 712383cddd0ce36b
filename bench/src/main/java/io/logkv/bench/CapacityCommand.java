package io.logkv.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The report's capacity section alone ({@code report --only capacity}), written to a directory of
 * its own so that a full report's results are left as they are.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
    description = "Only the report's capacity figures: 4 nodes sharded (R=2, each capped) against 4 full copies; "
        + "writes REPORT.md and report.json.")
final class CapacityCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "results/capacity", description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--quick", description = "A 4 MiB cap and short wrk runs: a smoke test, not figures to quote.")
  boolean quick;

  @Option(names = "--duration", defaultValue = "10", description = "Seconds per wrk measurement. Default: ${DEFAULT-VALUE}.")
  int seconds;

  @Override
  public Integer call() throws Exception {
    ReportCommand report = new ReportCommand();
    report.out = out;
    report.quick = quick;
    report.seconds = seconds;
    report.only = EnumSet.of(ReportCommand.Section.capacity);
    return report.call();
  }
}
