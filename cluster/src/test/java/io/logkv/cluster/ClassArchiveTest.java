package io.logkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
  @TempDir Path dir;

  private Path jar(String name, String classPath) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    Path p = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(out, m)) {
      // a manifest is all it needs
    }
    return p;
  }

  @Test
  void aClassPathOfJars_getsAnArchiveBesideTheFirst_namedAfterItsContent() throws Exception {
    Path lib = jar("lib.jar", null);
    Path app = jar("app.jar", "lib.jar");
    ClassArchive a = ClassArchive.forClassPath(app + File.pathSeparator + lib).orElseThrow();
    assertThat(a.path().getParent()).isEqualTo(app.toAbsolutePath().getParent());
    assertThat(a.path().getFileName().toString()).matches("app-[0-9a-f]{8}\\.jsa");
    assertThat(a.exists()).isFalse();
    assertThat(a.useOptions()).isEmpty();
    assertThat(a.trainOptions()).anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="));

    // A jar named by the manifest's Class-Path changes: another archive, never a stale one.
    Path before = ClassArchive.forClassPath(app.toString()).orElseThrow().path();
    assertThat(ClassArchive.forClassPath(app.toString()).orElseThrow().path()).isEqualTo(before);
    Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis() + 5_000));
    assertThat(ClassArchive.forClassPath(app.toString()).orElseThrow().path()).isNotEqualTo(before);
  }

  @Test
  void aDirectoryOnTheClassPath_meansNoArchive() throws Exception {
    Path app = jar("app.jar", null);
    Files.createDirectories(dir.resolve("classes"));
    assertThat(ClassArchive.forClassPath(app + File.pathSeparator + dir.resolve("classes"))).isEmpty();
    assertThat(ClassArchive.forClassPath(dir.resolve("missing.jar").toString())).isEmpty();
  }

  @Test
  void keep_movesWhatTheTrainingRunWrote_andIgnoresAnEmptyFile() throws Exception {
    ClassArchive a = ClassArchive.forClassPath(jar("app.jar", null).toString()).orElseThrow();
    String training = a.trainOptions().get(0).substring("-XX:ArchiveClassesAtExit=".length());
    Files.write(Path.of(training), new byte[0]);
    assertThat(a.keep()).isFalse();
    assertThat(Path.of(training)).doesNotExist();

    Path older = a.path().resolveSibling("app-0badcafe.jsa");
    Path otherJar = a.path().resolveSibling("other-0badcafe.jsa");
    Files.write(older, new byte[] {9});
    Files.write(otherJar, new byte[] {9});
    Files.write(Path.of(training), new byte[] {1, 2, 3});
    assertThat(a.keep()).isTrue();
    assertThat(older).as("an earlier build's archive of the same jar").doesNotExist();
    assertThat(otherJar).exists();
    assertThat(a.useOptions()).contains("-XX:SharedArchiveFile=" + a.path());
    assertThat(Path.of(training)).doesNotExist();
  }
}
