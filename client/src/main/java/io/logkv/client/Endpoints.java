package io.logkv.client;

import io.logkv.client.Json.JsonException;
import java.net.URI;
import java.net.URISyntaxException;

/** Base URLs: absolute http(s), no query or fragment, kept without a trailing slash. */
final class Endpoints {
  private Endpoints() {}

  /**
   * Checks and normalizes a base URL ({@code http://127.0.0.1:8080/} becomes {@code
   * http://127.0.0.1:8080}); a path is kept, for a server mounted under one.
   *
   * @throws IllegalArgumentException when it is not an absolute http or https URL with a host
   */
  static URI normalize(URI url) {
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "a base URL is absolute http(s) with a host and no query or fragment: " + url);
    }
    String s = url.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }

  /** A URL from a server's JSON; a malformed one is a {@link JsonException}. */
  static URI parse(String text, String what) {
    try {
      return normalize(new URI(text));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new JsonException(what + " is not an http(s) URL: '" + text + "'");
    }
  }

  /** {@code base} + {@code pathAndQuery} (which starts with '/' and is already percent-encoded). */
  static URI resolve(URI base, String pathAndQuery) {
    return URI.create(base.toString() + pathAndQuery);
  }
}
