package io.logkv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds external programs in a list of directories, as a shell looks them up on its PATH, and
 * nginx's modules the same way in their directory.
 */
final class ToolFinder {
  private final List<Path> dirs;

  private ToolFinder(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  /** The directories of {@code path} (colon-separated, as in $PATH) and nothing else. */
  static ToolFinder onPath(String path) {
    List<Path> dirs = new ArrayList<>();
    Arrays.stream(path.split(":")).filter(d -> !d.isEmpty()).map(Path::of).forEach(dirs::add);
    return new ToolFinder(dirs);
  }

  /**
   * This process's PATH, then /usr/sbin and /usr/local/sbin, where Debian puts nginx off a user's
   * PATH, then the directory where the cluster launcher loads nginx's modules from.
   */
  static ToolFinder forThisMachine() {
    String path = System.getenv().getOrDefault("PATH", "");
    return onPath(path + ":/usr/sbin:/usr/local/sbin:" + io.logkv.cluster.Nginx.NJS_MODULE.getParent());
  }

  Optional<Path> find(Tool tool) {
    for (Path dir : dirs) {
      Path p = dir.resolve(tool.command());
      boolean usable = tool.module() ? Files.isRegularFile(p) : Files.isExecutable(p) && !Files.isDirectory(p);
      if (usable) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Those of {@code tools} that are not found, in the order given. */
  List<Tool> missing(Tool... tools) {
    return Arrays.stream(tools).filter(t -> find(t).isEmpty()).toList();
  }
}
