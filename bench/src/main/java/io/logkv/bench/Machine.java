package io.logkv.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the report was measured on. */
final class Machine {
  private Machine() {}

  static String describe(ToolFinder tools) {
    StringBuilder s = new StringBuilder();
    s.append("- CPU: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
    s.append("- memory: ").append(memTotal()).append("\n");
    s.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append("\n");
    s.append("- Java: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append("\n");
    s.append("- Kafka: ").append(org.apache.kafka.common.utils.internals.AppInfoParser.getVersion())
        .append(" (broker, clients and kafka-tools from Maven Central)\n");
    s.append("- nginx: ").append(version(tools, Tool.NGINX, "-v")).append("\n");
    s.append("- nginx's njs module (owner routing of a sharded cluster): ")
        .append(tools.find(Tool.NJS).map(Path::toString).orElse("not installed (" + Tool.NJS.installCommand() + ")"))
        .append("\n");
    s.append("- wrk: ").append(version(tools, Tool.WRK, "-v")).append("\n");
    s.append("- redis-server: ").append(version(tools, Tool.REDIS_SERVER, "--version")).append("\n");
    s.append("- redis-benchmark: ").append(version(tools, Tool.REDIS_BENCHMARK, "--version")).append("\n");
    return s.toString();
  }

  /** The 1-minute load average, from /proc/loadavg. */
  static String loadAverage() {
    return read("/proc/loadavg").split(" ")[0];
  }

  private static String version(ToolFinder tools, Tool tool, String flag) {
    Optional<Path> p = tools.find(tool);
    return p.map(path -> firstLine(List.of(path.toString(), flag))).orElse("not installed (" + tool.installCommand() + ")");
  }

  private static String cpuModel() {
    return read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
  }

  private static String memTotal() {
    return read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal")).findFirst()
        .map(l -> l.replaceAll("\\s+", " ")).orElse("unknown");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** The first line a command prints (standard output and error together). */
  static String firstLine(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("").trim();
    } catch (Exception e) {
      return "not found";
    }
  }
}
