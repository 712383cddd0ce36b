package io.logkv.store.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The node's packages form layers, not a tangle: {@code record} at the bottom, then {@code cache}
 * and {@code config}, {@code log}, {@code snapshot}, {@code metrics} and {@code http}, and the node
 * itself on top. A cycle between packages fails the build.
 */
class PackageCyclesTest {
  private static final JavaClasses NODE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.logkv.store");

  @Test
  void packages_areFreeOfCycles() {
    slices().matching("io.logkv.store.(*)..").should().beFreeOfCycles().check(NODE);
  }

  @Test
  void theLog_knowsNothingOfSnapshotsOrHttp() {
    noClasses().that().resideInAPackage("io.logkv.store.log..")
        .should().dependOnClassesThat().resideInAnyPackage("io.logkv.store.snapshot..", "io.logkv.store.http..",
            "io.logkv.store.metrics..")
        .check(NODE);
  }

  @Test
  void theRecordFormat_dependsOnNothingElseOfTheNode() {
    noClasses().that().resideInAPackage("io.logkv.store.record..")
        .should().dependOnClassesThat().resideInAnyPackage("io.logkv.store.cache..", "io.logkv.store.log..",
            "io.logkv.store.snapshot..", "io.logkv.store.http..", "io.logkv.store.config..", "io.logkv.store.metrics..")
        .check(NODE);
  }

  @Test
  void onlyTheNodeItself_dependsOnTheTopLevelPackage() {
    noClasses().that().resideInAnyPackage("io.logkv.store.(*)..")
        .should().dependOnClassesThat().resideInAPackage("io.logkv.store")
        .check(NODE);
  }
}
