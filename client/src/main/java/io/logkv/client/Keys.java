package io.logkv.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Keys as the server takes them: 1 to 1024 bytes of UTF-8, percent-encoded in the URL. */
final class Keys {
  /** The longest key the server accepts, in UTF-8 bytes. */
  static final int MAX_BYTES = 1024;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Keys() {}

  /**
   * The key's UTF-8 bytes: what the server stores and what the partition is computed from.
   *
   * @throws IllegalArgumentException for a null or empty key, a key longer than {@link
   *     #MAX_BYTES} bytes, or one that is not valid Unicode (an unpaired surrogate), which UTF-8
   *     cannot carry and {@link String#getBytes} would silently replace with '?'
   */
  static byte[] utf8(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a key is 1 to " + MAX_BYTES + " bytes of UTF-8; it is empty");
    }
    byte[] bytes = strictUtf8(key, "key");
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "a key is 1 to " + MAX_BYTES + " bytes of UTF-8; this one is " + bytes.length + " bytes");
    }
    return bytes;
  }

  /** UTF-8 of {@code text}, refusing unpaired surrogates. */
  static byte[] strictUtf8(String text, String what) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the " + what + " is not valid Unicode (an unpaired surrogate?)", e);
    }
  }

  /**
   * Percent-encodes every byte that is not unreserved (RFC 3986: letters, digits, {@code -._~}),
   * so the text is one path segment or one query value whatever it holds: {@code a/b} becomes
   * {@code a%2Fb}, a space {@code %20}, {@code +} {@code %2B}.
   */
  static String percentEncode(byte[] utf8) {
    StringBuilder b = new StringBuilder(utf8.length + 16);
    for (byte x : utf8) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }
}
