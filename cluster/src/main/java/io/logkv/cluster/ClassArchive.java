package io.logkv.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AppCDS archive of a node's classes (a JDK dynamic archive, JDK 13 and later): the JVM maps
 * the classes it holds, already parsed and verified, instead of loading them from the jars, which
 * is most of a node's start before its first Kafka call.
 *
 * <p>Made by a training run at the first start: with no archive yet, one node runs with {@code
 * -XX:ArchiveClassesAtExit} and writes the classes it loaded when it stops cleanly (SIGTERM; a
 * SIGKILL writes nothing, and the next clean stop does). {@link #keep()} then moves it into place,
 * and every later start uses it with {@code -XX:SharedArchiveFile}. A node without one starts as
 * before, only slower.
 *
 * <p>The archive is named after its class path (each entry's path, size and time), next to the
 * first entry: a rebuilt jar gets a new archive rather than a stale one, which the JVM would refuse
 * silently anyway. Only class paths made of jars qualify: the JVM does not archive classes from
 * directories (a test's {@code target/classes}).
 */
public final class ClassArchive {
  private static final Logger LOG = LoggerFactory.getLogger(ClassArchive.class);

  /**
   * The JVM's CDS messages at error level only: a training run warns about every class it cannot
   * archive (picocli's are compiled for Java 5), which is expected and says nothing to act on.
   */
  public static final String QUIET = "-Xlog:cds*=error";

  private final Path archive;
  private final Path training;

  private ClassArchive(Path archive) {
    this.archive = archive;
    this.training = archive.resolveSibling(archive.getFileName() + ".training-" + ProcessHandle.current().pid());
  }

  /** The archive for a node run on {@code classPath}; empty if it cannot have one (a directory on it). */
  public static Optional<ClassArchive> forClassPath(String classPath) {
    List<Path> entries = new ArrayList<>();
    for (String e : classPath.split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(Path.of(e).toAbsolutePath());
      }
    }
    if (entries.isEmpty() || entries.stream().anyMatch(p -> !Files.isRegularFile(p))) {
      return Optional.empty();
    }
    CRC32 crc = new CRC32();
    try {
      for (Path p : withManifestClassPaths(entries)) {
        crc.update((p + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "\n").getBytes());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    Path first = entries.get(0);
    String base = first.getFileName().toString().replaceFirst("\\.jar$", "");
    String name = base + "-" + HexFormat.of().toHexDigits((int) crc.getValue()) + ".jsa";
    return Optional.of(new ClassArchive(first.resolveSibling(name)));
  }

  /** The entries and, after each jar, the jars its manifest's Class-Path names (as the launcher's jar does). */
  private static List<Path> withManifestClassPaths(List<Path> entries) throws IOException {
    List<Path> all = new ArrayList<>();
    for (Path p : entries) {
      all.add(p);
      try (JarFile jar = new JarFile(p.toFile())) {
        Manifest m = jar.getManifest();
        String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (cp != null) {
          for (String e : cp.trim().split("\\s+")) {
            Path dep = p.resolveSibling(e);
            if (Files.isRegularFile(dep)) {
              all.add(dep);
            }
          }
        }
      }
    }
    return all;
  }

  /** The archive's file. */
  public Path path() {
    return archive;
  }

  public boolean exists() {
    return Files.isRegularFile(archive);
  }

  /** JVM options that use the archive; none while there is none. */
  public List<String> useOptions() {
    return exists() ? List.of("-XX:SharedArchiveFile=" + archive, QUIET) : List.of();
  }

  /** JVM options for the training run: its classes are written to a file of this process's own at exit. */
  public List<String> trainOptions() {
    return List.of("-XX:ArchiveClassesAtExit=" + training, QUIET);
  }

  /**
   * After the training node stopped: moves what it wrote into place (atomically: another
   * launcher may be reading it) and removes the archives of earlier builds beside it. Returns
   * whether there is an archive now; a failure to move is logged, not thrown, since this runs
   * while a cluster stops and must not keep the rest from stopping.
   */
  public boolean keep() {
    try {
      if (Files.isRegularFile(training) && Files.size(training) > 0) {
        Files.move(training, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("class archive {} made by this run's training node: later starts use it", archive);
        removeOlderArchives();
      } else {
        Files.deleteIfExists(training);
      }
    } catch (IOException e) {
      LOG.warn("could not keep the class archive {} as {}: nodes start without one ({})", training, archive,
          e.toString());
    }
    return exists();
  }

  /** Archives of the same jar name made for other builds (another checksum): never used again. */
  private void removeOlderArchives() throws IOException {
    String name = archive.getFileName().toString();
    String prefix = name.substring(0, name.lastIndexOf('-') + 1);
    try (var siblings = Files.list(archive.getParent())) {
      for (Path p : siblings.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith(prefix) && n.endsWith(".jsa") && !n.equals(name)
            && n.substring(prefix.length(), n.length() - 4).matches("[0-9a-f]{8}")) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
