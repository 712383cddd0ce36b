package io.logkv.store.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A key parsed at the edge: its text and its UTF-8 bytes (the record key), 1 to 1024 bytes. */
public record Key(String text, byte[] utf8) {
  public static final int MAX_BYTES = 1024;

  /** Decodes a percent-encoded path segment strictly; every failure is a 400. */
  public static Key fromPath(String raw) {
    byte[] bytes = PercentDecoder.decode(raw, false);
    if (bytes.length == 0) {
      throw ApiException.badRequest("bad_key", "the key is empty");
    }
    if (bytes.length > MAX_BYTES) {
      throw ApiException.badRequest(
          "bad_key", "the key is " + bytes.length + " bytes; at most " + MAX_BYTES + " bytes of UTF-8 are allowed");
    }
    return new Key(utf8(bytes, "key"), bytes);
  }

  static String utf8(byte[] bytes, String what) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("bad_encoding", "the " + what + " is not valid UTF-8 after percent-decoding");
    }
  }
}
