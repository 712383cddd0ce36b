package io.logkv.store.auth;

import java.util.Locale;

/**
 * What a token may do. Roles do not imply each other: a {@code write} token cannot read, so a
 * writer-only service holding one cannot list or read the data it feeds.
 */
public enum Role {
  /** GETs of keys, the key listing, /status and /cluster. */
  READ,
  /** PUT, DELETE, the TTL change and the original service's POST and DELETE. */
  WRITE,
  /** /metrics and /admin/*. */
  ADMIN;

  /** The role's name in the auth file and in messages: {@code read}, {@code write}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a name as written in the auth file (any case); throws {@link IllegalArgumentException}. */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + name + "' (roles: read, write, admin)");
  }
}
