package io.logkv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Finds external programs in a list of directories, as a shell looks them up on its PATH. */
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

  /** This process's PATH, then /usr/sbin and /usr/local/sbin, where Debian puts nginx off a user's PATH. */
  static ToolFinder forThisMachine() {
    String path = System.getenv().getOrDefault("PATH", "");
    return onPath(path + ":/usr/sbin:/usr/local/sbin");
  }

  Optional<Path> find(Tool tool) {
    for (Path dir : dirs) {
      Path p = dir.resolve(tool.command());
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
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
