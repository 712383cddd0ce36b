package io.logkv.bench;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An external program the report drives, or a module such a program loads, with the Debian/Ubuntu
 * package that installs it: a missing one is named in the report with its install command, never
 * silently skipped.
 *
 * @param command the program's name on the PATH, or the module's file name in its directory
 * @param module a file that is loaded, not run (it need not be executable)
 */
record Tool(String command, String aptPackage, boolean module) {
  static final Tool WRK = new Tool("wrk", "wrk");
  static final Tool NGINX = new Tool("nginx", "nginx-light");
  static final Tool REDIS_SERVER = new Tool("redis-server", "redis-server");
  // The redis-server package depends on redis-tools, which holds redis-benchmark.
  static final Tool REDIS_BENCHMARK = new Tool("redis-benchmark", "redis-server");
  /** nginx's njs module, with which nginx sends each key of a sharded cluster straight to an owner. */
  static final Tool NJS = new Tool(io.logkv.cluster.Nginx.NJS_MODULE.getFileName().toString(), "libnginx-mod-http-js", true);

  /** A program. */
  Tool(String command, String aptPackage) {
    this(command, aptPackage, false);
  }

  /** How the report names it: the program, or "nginx's njs module (file)". */
  String displayName() {
    return module ? "nginx's njs module (" + command + ")" : command;
  }

  String installCommand() {
    return "sudo apt-get install " + aptPackage;
  }

  /** "NOT RUN: wrk missing; install with `sudo apt-get install wrk`", one clause per tool. */
  static String notRun(List<Tool> missing) {
    if (missing.isEmpty()) {
      throw new IllegalArgumentException("nothing is missing");
    }
    String tools = missing.stream().map(Tool::displayName).distinct().collect(Collectors.joining(", "));
    String install = "sudo apt-get install " + missing.stream().map(Tool::aptPackage).distinct().collect(Collectors.joining(" "));
    return "NOT RUN: " + tools + " missing; install with `" + install + "`";
  }
}
