package io.logkv.cluster;

import io.logkv.cluster.tls.TlsFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;

/**
 * Whether a URL answers 200 right now: the readiness check of every server with an HTTP face,
 * child process or container.
 */
public final class HttpProbe {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();

  private HttpProbe() {}

  public static boolean answers200(String url) {
    try {
      HttpResponse<Void> r = HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Whether an HTTPS URL answers 200, trusting exactly the certificate(s) in {@code trustedPem}
   * (the server's own certificate file): the probe pins what nginx was given, so it needs no CA and
   * skips the host name check (a user's certificate may not name 127.0.0.1).
   */
  public static boolean answers200OverTls(String url, Path trustedPem) {
    HttpsURLConnection c = null;
    try {
      c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
      c.setSSLSocketFactory(TlsFiles.trusting(trustedPem).getSocketFactory());
      c.setHostnameVerifier((host, session) -> true);
      c.setConnectTimeout(1000);
      c.setReadTimeout(1000);
      return c.getResponseCode() == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }
}
