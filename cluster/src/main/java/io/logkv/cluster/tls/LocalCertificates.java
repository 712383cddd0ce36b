package io.logkv.cluster.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local CA and the server certificate nginx serves, as PEM files in one directory ({@code
 * <data-dir>/tls}): {@code ca.crt} (what clients trust), {@code ca.key}, {@code server.crt} and
 * {@code server.key}, the keys readable by their owner only.
 *
 * <p>Files that are there are reused: the CA while it has more than {@link #RENEW_BEFORE} left
 * (it is valid {@link #CA_VALIDITY}), the server certificate while it was issued by that CA, has
 * more than {@link #RENEW_BEFORE} left of its {@link #SERVER_VALIDITY} (the most browsers
 * accept), matches its key, and names every name asked for (localhost, 127.0.0.1 and ::1, plus
 * {@code --tls-name}s). Anything else, or a file that does not parse, is made again: a new CA
 * means clients must trust the new {@code ca.crt}, so it is logged. Keys are EC P-256; signing
 * uses the JDK's own provider (BouncyCastle only builds and parses the certificates).
 */
public final class LocalCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCertificates.class);
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);
  /** Names every server certificate carries. */
  public static final List<String> DEFAULT_NAMES = List.of("localhost", "127.0.0.1", "::1");
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String SERVER_CERT = "server.crt";
  static final String SERVER_KEY = "server.key";

  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalCertificates() {}

  /** {@link #ensure(Path, List, InstantSource)} with the default names and the system clock. */
  public static TlsFiles ensure(Path dir) {
    return ensure(dir, List.of(), InstantSource.system());
  }

  /**
   * Makes or reuses the CA and the server certificate in {@code dir}.
   *
   * @param extraNames host names or IP addresses the server certificate must also carry
   */
  public static TlsFiles ensure(Path dir, List<String> extraNames, InstantSource clock) {
    Set<String> names = new LinkedHashSet<>(DEFAULT_NAMES);
    names.addAll(extraNames);
    Instant now = clock.instant();
    try {
      Files.createDirectories(dir);
      Optional<Issued> ca = read(dir.resolve(CA_CERT), dir.resolve(CA_KEY))
          .filter(c -> c.cert().getBasicConstraints() >= 0 && lastsPast(c.cert(), now));
      if (ca.isEmpty()) {
        boolean replacing = Files.exists(dir.resolve(CA_CERT));
        ca = Optional.of(newCa(now));
        write(dir, CA_CERT, CA_KEY, ca.get());
        if (replacing) {
          LOG.warn("made a new local CA in {}: clients must trust the new {} (copies of the old one no longer work)",
              dir, dir.resolve(CA_CERT));
        } else {
          LOG.info("made a local CA in {}, valid {} days: clients trust {}", dir, CA_VALIDITY.toDays(),
              dir.resolve(CA_CERT));
        }
      }
      Issued issuer = ca.get();
      Optional<Issued> server = read(dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY))
          .filter(s -> lastsPast(s.cert(), now) && issuedBy(s.cert(), issuer.cert()) && names(s.cert()).containsAll(canonicalAll(names)));
      if (server.isEmpty()) {
        write(dir, SERVER_CERT, SERVER_KEY, newServer(issuer, names, now));
        LOG.info("made a server certificate for {} in {}, valid {} days", names, dir.resolve(SERVER_CERT),
            SERVER_VALIDITY.toDays());
      }
      return new TlsFiles(dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY), Optional.of(dir.resolve(CA_CERT)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make TLS certificates in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make TLS certificates in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A certificate and its private key. */
  private record Issued(X509Certificate cert, PrivateKey key) {}

  private static Issued newCa(Instant now) throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = keyPair();
    X500Name name = new X500Name("CN=logkv local CA " + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE)
        + ",O=logkv");
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    return new Issued(sign(b, keys.getPrivate()), keys.getPrivate());
  }

  private static Issued newServer(Issued ca, Set<String> names, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = keyPair();
    List<GeneralName> alt = new ArrayList<>();
    for (String n : names) {
      alt.add(isIpAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), serial(),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SERVER_VALIDITY)),
        new X500Name("CN=" + names.iterator().next()), keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
        .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
    return new Issued(sign(b, ca.key()), keys.getPrivate());
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }

  /** The certificate and key in two PEM files, if both are there, parse, and belong together. */
  private static Optional<Issued> read(Path certFile, Path keyFile) {
    if (!Files.exists(certFile) || !Files.exists(keyFile)) {
      return Optional.empty();
    }
    try {
      X509Certificate cert;
      try (Reader r = Files.newBufferedReader(certFile); PEMParser p = new PEMParser(r)) {
        Object o = p.readObject();
        if (!(o instanceof X509CertificateHolder holder)) {
          return unusable(certFile, "no certificate in it");
        }
        cert = new JcaX509CertificateConverter().getCertificate(holder);
      }
      PrivateKey key;
      try (Reader r = Files.newBufferedReader(keyFile); PEMParser p = new PEMParser(r)) {
        Object o = p.readObject();
        if (!(o instanceof PrivateKeyInfo info)) {
          return unusable(keyFile, "no PKCS#8 private key in it");
        }
        key = new JcaPEMKeyConverter().getPrivateKey(info);
      }
      if (!matches(key, cert.getPublicKey())) {
        return unusable(keyFile, "it is not the key of " + certFile);
      }
      return Optional.of(new Issued(cert, key));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return unusable(certFile, e.toString());
    }
  }

  private static Optional<Issued> unusable(Path file, String why) {
    LOG.warn("not reusing {}: {}; making it again", file, why);
    return Optional.empty();
  }

  /** Whether {@code key} signs what {@code publicKey} verifies. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
    byte[] probe = new byte[32];
    RANDOM.nextBytes(probe);
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(probe);
    byte[] signature = s.sign();
    s.initVerify(publicKey);
    s.update(probe);
    return s.verify(signature);
  }

  private static boolean lastsPast(X509Certificate cert, Instant now) {
    return cert.getNotBefore().toInstant().isBefore(now) && cert.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE));
  }

  private static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey());
      return cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate's DNS names and IP addresses, IPs in a canonical form. */
  static Set<String> names(X509Certificate cert) {
    Set<String> names = new TreeSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
          names.add(canonical(String.valueOf(entry.get(1))));
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }

  private static Set<String> canonicalAll(Set<String> names) {
    Set<String> out = new TreeSet<>();
    names.forEach(n -> out.add(canonical(n)));
    return out;
  }

  private static String canonical(String name) {
    if (!isIpAddress(name)) {
      return name.toLowerCase(java.util.Locale.ROOT);
    }
    try {
      return InetAddress.getByName(name).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return name;
    }
  }

  static boolean isIpAddress(String name) {
    return name.matches("[0-9.]+") || name.contains(":");
  }

  private static void write(Path dir, String certName, String keyName, Issued issued) throws IOException {
    StringWriter cert = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(cert)) {
      w.writeObject(issued.cert());
    }
    StringWriter key = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(key)) {
      w.writeObject(new JcaPKCS8Generator(issued.key(), null));
    }
    // The key first, so that a crash in between leaves a pair that fails the match check, never a
    // certificate whose key is gone.
    writeAtomically(dir.resolve(keyName), key.toString(), true);
    writeAtomically(dir.resolve(certName), cert.toString(), false);
  }

  private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (secret) {
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
