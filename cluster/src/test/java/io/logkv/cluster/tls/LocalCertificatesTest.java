package io.logkv.cluster.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificatesTest {
  private static final InstantSource NOW = InstantSource.fixed(Instant.parse("2026-06-01T00:00:00Z"));

  @Test
  void ensure_makesACaAndAServerCertificateForLocalhost_keysForTheOwnerOnly(@TempDir Path dir) throws Exception {
    TlsFiles files = LocalCertificates.ensure(dir, List.of(), NOW);
    X509Certificate ca = cert(files.ca().orElseThrow());
    X509Certificate server = cert(files.certificate());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    server.verify(ca.getPublicKey());
    ca.verify(ca.getPublicKey());
    assertThat(LocalCertificates.names(server)).contains("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(server.getNotAfter().toInstant()).isEqualTo(NOW.instant().plus(LocalCertificates.SERVER_VALIDITY));
    for (String key : List.of("ca.key", "server.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
      assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN PRIVATE KEY-----");
    }
  }

  @Test
  void aSecondEnsure_reusesEveryFile(@TempDir Path dir) throws Exception {
    LocalCertificates.ensure(dir, List.of(), NOW);
    byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
    byte[] server = Files.readAllBytes(dir.resolve("server.crt"));
    LocalCertificates.ensure(dir, List.of(), InstantSource.fixed(NOW.instant().plus(Duration.ofDays(100))));
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
    assertThat(Files.readAllBytes(dir.resolve("server.crt"))).isEqualTo(server);
  }

  @Test
  void aServerCertificateNearItsEnd_orMissingAName_isReissued_byTheSameCa(@TempDir Path dir) throws Exception {
    LocalCertificates.ensure(dir, List.of(), NOW);
    byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));
    byte[] server = Files.readAllBytes(dir.resolve("server.crt"));

    Instant late = NOW.instant().plus(LocalCertificates.SERVER_VALIDITY).minus(Duration.ofDays(10));
    LocalCertificates.ensure(dir, List.of(), InstantSource.fixed(late));
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
    byte[] renewed = Files.readAllBytes(dir.resolve("server.crt"));
    assertThat(renewed).isNotEqualTo(server);

    TlsFiles named = LocalCertificates.ensure(dir, List.of("logkv.example", "10.1.2.3"), InstantSource.fixed(late));
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
    X509Certificate reissued = cert(named.certificate());
    assertThat(LocalCertificates.names(reissued)).contains("logkv.example", "10.1.2.3", "localhost");
    reissued.verify(cert(named.ca().orElseThrow()).getPublicKey());
  }

  @Test
  void anExpiringCa_orABrokenFile_isMadeAgain(@TempDir Path dir) throws Exception {
    LocalCertificates.ensure(dir, List.of(), NOW);
    byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));

    Files.writeString(dir.resolve("server.key"), "not a key");
    TlsFiles fixed = LocalCertificates.ensure(dir, List.of(), NOW);
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);
    cert(fixed.certificate()).verify(cert(fixed.ca().orElseThrow()).getPublicKey());

    Instant caEnd = NOW.instant().plus(LocalCertificates.CA_VALIDITY).minus(Duration.ofDays(1));
    TlsFiles renewed = LocalCertificates.ensure(dir, List.of(), InstantSource.fixed(caEnd));
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isNotEqualTo(ca);
    cert(renewed.certificate()).verify(cert(renewed.ca().orElseThrow()).getPublicKey());
  }

  @Test
  void trustingContext_trustsTheCa(@TempDir Path dir) {
    TlsFiles files = LocalCertificates.ensure(dir);
    assertThat(files.trustingContext().getProtocol()).isEqualTo("TLS");
  }

  private static X509Certificate cert(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
