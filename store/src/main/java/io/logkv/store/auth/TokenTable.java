package io.logkv.store.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tokens of one version of the auth file and the roles of each, immutable.
 *
 * <p>Only SHA-256 digests of the tokens are kept, and a lookup compares the presented token's
 * digest with every entry's by {@link MessageDigest#isEqual} (constant time for equal lengths, and
 * digests are all 32 bytes), without stopping at a match: how long a lookup takes says nothing
 * about which token, or which prefix of one, is known. Messages name line numbers, never a token.
 *
 * <p>The file: one {@code <token> <role>[,<role>...]} a line, roles {@code read}, {@code write},
 * {@code admin}; blank lines and everything after a {@code #} that starts a field are ignored.
 * Tokens are RFC 6750 {@code b64token}s (letters, digits, {@code -._~+/}, trailing {@code =}) of
 * {@value #MIN_TOKEN_LENGTH} to {@value #MAX_TOKEN_LENGTH} characters.
 */
public final class TokenTable {
  /** Shorter tokens are refused: a token is a password that a client sends on every request. */
  public static final int MIN_TOKEN_LENGTH = 16;
  public static final int MAX_TOKEN_LENGTH = 4096;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  private static final Pattern BLANKS = Pattern.compile("\\s+");

  private record Entry(byte[] digest, Set<Role> roles) {}

  private final List<Entry> entries;

  private TokenTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** A table with no token: every protected route answers 401. */
  public static TokenTable empty() {
    return new TokenTable(List.of());
  }

  /**
   * Parses the auth file's text.
   *
   * @throws IllegalArgumentException naming the first bad line (its number, never its token)
   */
  public static TokenTable parse(String text) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int number = i + 1;
      String[] fields = BLANKS.split(line);
      if (fields.length < 2 || (fields.length > 2 && !fields[2].startsWith("#"))) {
        throw new IllegalArgumentException("line " + number + ": expected '<token> <role>[,<role>...]'");
      }
      String token = fields[0];
      if (token.length() < MIN_TOKEN_LENGTH || token.length() > MAX_TOKEN_LENGTH || !TOKEN.matcher(token).matches()) {
        throw new IllegalArgumentException("line " + number + ": a token is " + MIN_TOKEN_LENGTH + " to "
            + MAX_TOKEN_LENGTH + " characters of letters, digits and -._~+/ (a random one: openssl rand -hex 32)");
      }
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String name : fields[1].split(",", -1)) {
        try {
          roles.add(Role.parse(name.strip()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
        }
      }
      byte[] digest = sha256(token);
      for (Entry e : entries) {
        if (MessageDigest.isEqual(e.digest(), digest)) {
          throw new IllegalArgumentException("line " + number + ": this token is already listed on an earlier line");
        }
      }
      entries.add(new Entry(digest, Collections.unmodifiableSet(roles)));
    }
    return new TokenTable(entries);
  }

  /** The roles of {@code token}; empty when it is not in the table. */
  public Optional<Set<Role>> rolesOf(String token) {
    byte[] digest = sha256(token);
    Set<Role> found = null;
    for (Entry e : entries) {
      // No early exit: every lookup compares against every entry.
      if (MessageDigest.isEqual(e.digest(), digest)) {
        found = e.roles();
      }
    }
    return Optional.ofNullable(found);
  }

  /** How many tokens the table holds. */
  public int size() {
    return entries.size();
  }

  /** How many tokens hold {@code role}. */
  public long holding(Role role) {
    return entries.stream().filter(e -> e.roles().contains(role)).count();
  }

  /** For logs: the token count by role, never a token. */
  public String summary() {
    return size() + " token(s): " + holding(Role.READ) + " read, " + holding(Role.WRITE) + " write, "
        + holding(Role.ADMIN) + " admin";
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
