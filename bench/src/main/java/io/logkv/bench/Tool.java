package io.logkv.bench;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An external program the report drives, with the Debian/Ubuntu package that installs it: a
 * missing one is named in the report with its install command, never silently skipped.
 */
record Tool(String command, String aptPackage) {
  static final Tool WRK = new Tool("wrk", "wrk");
  static final Tool NGINX = new Tool("nginx", "nginx-light");
  static final Tool REDIS_SERVER = new Tool("redis-server", "redis-server");
  // The redis-server package depends on redis-tools, which holds redis-benchmark.
  static final Tool REDIS_BENCHMARK = new Tool("redis-benchmark", "redis-server");

  String installCommand() {
    return "sudo apt-get install " + aptPackage;
  }

  /** "NOT RUN: wrk missing; install with `sudo apt-get install wrk`", one clause per tool. */
  static String notRun(List<Tool> missing) {
    if (missing.isEmpty()) {
      throw new IllegalArgumentException("nothing is missing");
    }
    String tools = missing.stream().map(Tool::command).distinct().collect(Collectors.joining(", "));
    String install = "sudo apt-get install " + missing.stream().map(Tool::aptPackage).distinct().collect(Collectors.joining(" "));
    return "NOT RUN: " + tools + " missing; install with `" + install + "`";
  }
}
