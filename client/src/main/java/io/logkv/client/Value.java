package io.logkv.client;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A value read from logkv.
 *
 * @param bytes the value, exactly as written; this array belongs to the caller (each read makes
 *     a new one)
 * @param version the position of the record that last wrote the key; it changes with every write,
 *     even one of the same bytes
 * @param expiresAt the deadline after which the key is gone, when it was written with a TTL
 */
public record Value(byte[] bytes, Position version, Optional<Instant> expiresAt) {
  public Value {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** The bytes decoded as UTF-8 (malformed input replaced, never an exception). */
  public String asString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public String asString(Charset charset) {
    return new String(bytes, charset);
  }

  /** Equal when bytes, version and expiry are equal (the array by content). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Value v
        && Arrays.equals(bytes, v.bytes)
        && version.equals(v.version)
        && expiresAt.equals(v.expiresAt);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(bytes) + version.hashCode()) + expiresAt.hashCode();
  }

  @Override
  public String toString() {
    return "Value[" + bytes.length + " bytes, version=" + version
        + expiresAt.map(t -> ", expiresAt=" + t).orElse("") + "]";
  }
}
