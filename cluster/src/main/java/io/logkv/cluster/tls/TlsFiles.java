package io.logkv.cluster.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What nginx needs to serve HTTPS: a certificate (PEM, the server's first, then any chain) and its
 * private key (PEM), and, when the launcher made them, the CA certificate that clients trust.
 *
 * @param ca the issuing CA's certificate; empty for a certificate the user brought
 */
public record TlsFiles(Path certificate, Path key, Optional<Path> ca) {
  public TlsFiles {
    certificate = certificate.toAbsolutePath();
    key = key.toAbsolutePath();
    ca = ca.map(Path::toAbsolutePath);
  }

  /**
   * The user's own certificate and key; checked to exist and be readable (nginx checks that they
   * belong together when it starts).
   */
  public static TlsFiles userProvided(Path certificate, Path key) {
    for (Path p : new Path[] {certificate, key}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file " + p + " does not exist or cannot be read");
      }
    }
    return new TlsFiles(certificate, key, Optional.empty());
  }

  /** A TLS context that trusts only the CA (only the server certificate itself, when there is no CA). */
  public SSLContext trustingContext() {
    return trusting(ca.orElse(certificate));
  }

  /** A TLS context that trusts only the certificates in {@code pem} (a CA, or a server's own). */
  public static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(pem + " holds no certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use " + pem + " as trusted certificates: " + e.getMessage(), e);
    }
  }
}
