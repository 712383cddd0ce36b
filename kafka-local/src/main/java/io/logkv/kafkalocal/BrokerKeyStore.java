package io.logkv.kafkalocal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A broker's TLS key and self-signed certificate for 127.0.0.1 and localhost, made once by the
 * JDK's own keytool (no library needed) and kept in the broker's {@code tls} directory: a PKCS12
 * key store for the broker, the certificate as PEM for its clients, and the store's random
 * password in a file only its owner reads.
 */
final class BrokerKeyStore {
  static final String KEY_STORE = "broker.p12";
  static final String CERTIFICATE = "broker-cert.pem";
  private static final String PASSWORD = "keystore-password";

  private BrokerKeyStore() {}

  /** Makes the key store and the certificate in {@code dir} unless they are there already. */
  static void ensure(Path dir) throws IOException {
    if (Files.exists(dir.resolve(KEY_STORE)) && Files.exists(dir.resolve(CERTIFICATE))
        && Files.exists(dir.resolve(PASSWORD))) {
      return;
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(KEY_STORE));
    String password = UUID.randomUUID().toString().replace("-", "");
    Path passwordFile = dir.resolve(PASSWORD);
    Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
    setOwnerOnly(passwordFile);
    String store = dir.resolve(KEY_STORE).toString();
    keytool(dir, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-validity", "3650", "-keystore", store, "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
    setOwnerOnly(dir.resolve(KEY_STORE));
    keytool(dir, "-exportcert", "-rfc", "-alias", "broker", "-keystore", store, "-storetype", "PKCS12",
        "-storepass", password, "-file", dir.resolve(CERTIFICATE).toString());
  }

  static String password(Path dir) throws IOException {
    return Files.readString(dir.resolve(PASSWORD), StandardCharsets.UTF_8).strip();
  }

  private static void keytool(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Path out = dir.resolve("keytool.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool " + args[0] + " did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed (status " + p.exitValue() + "): " + Files.readString(out));
    }
  }

  private static void setOwnerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to restrict
    }
  }
}
