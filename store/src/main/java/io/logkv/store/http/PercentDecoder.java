package io.logkv.store.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Strict percent-decoding: a '%' must be followed by two hex digits, or the request is a 400. */
final class PercentDecoder {
  private PercentDecoder() {}

  /**
   * Decodes {@code raw} to bytes; with {@code plusIsSpace} (query strings) '+' means a space.
   * Characters that are not escaped are taken as UTF-8.
   *
   * @throws ApiException 400 on a malformed escape
   */
  static byte[] decode(String raw, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
      return raw.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    int plainFrom = -1;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean special = c == '%' || (c == '+' && plusIsSpace);
      if (!special) {
        if (plainFrom < 0) {
          plainFrom = i;
        }
        continue;
      }
      if (plainFrom >= 0) {
        out.writeBytes(raw.substring(plainFrom, i).getBytes(StandardCharsets.UTF_8));
        plainFrom = -1;
      }
      if (c == '+') {
        out.write(' ');
        continue;
      }
      if (i + 2 >= raw.length()) {
        throw malformed(raw);
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        throw malformed(raw);
      }
      out.write((hi << 4) | lo);
      i += 2;
    }
    if (plainFrom >= 0) {
      out.writeBytes(raw.substring(plainFrom).getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Decodes a query parameter value to text. */
  static String decodeText(String raw, String what) {
    return Key.utf8(decode(raw, true), what);
  }

  private static ApiException malformed(String raw) {
    String shown = raw.length() > 80 ? raw.substring(0, 80) + "..." : raw;
    return ApiException.badRequest("bad_encoding", "malformed percent-encoding in '" + shown + "'");
  }
}
