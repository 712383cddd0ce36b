package io.logkv.store.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth file, reloaded when its content changes: a check reads the file (it is small) and
 * compares a digest of its bytes with the last one seen, so an edit in place, a rename over it or
 * a Kubernetes secret's symlink swap are all noticed, whatever the file system's timestamp
 * resolution. A file that no longer parses, or has gone, keeps the last good table and logs an
 * error once per change; the log never shows a token.
 *
 * <p>Threads: {@link #get()} is called by every request (a volatile read); {@link #reload()} only
 * by the one scheduler thread {@link #start} uses, or by a test.
 */
public final class TokenFile implements Supplier<TokenTable> {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
  /** A larger file is refused: it cannot be a token list. */
  public static final long MAX_FILE_BYTES = 1 << 20;

  private final Path path;
  private volatile TokenTable table;
  /** Digest of the bytes last read, parsed or not: each change is parsed (and logged) once. */
  private byte[] lastSeen;
  private String lastProblem;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private TokenFile(Path path, TokenTable table, byte[] digest) {
    this.path = path;
    this.table = table;
    this.lastSeen = digest;
  }

  /**
   * Reads and parses the file.
   *
   * @throws IllegalArgumentException when it cannot be read or a line is bad (the message names
   *     the file and the line number)
   */
  public static TokenFile load(Path path) {
    byte[] bytes;
    try {
      bytes = read(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("auth file " + path + " cannot be read: " + describe(e), e);
    }
    TokenTable table;
    try {
      table = parse(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("auth file " + path + ": " + e.getMessage(), e);
    }
    warnIfOthersCanRead(path);
    if (table.size() == 0) {
      LOG.warn("auth file {} lists no token: every route but the health checks answers 401", path);
    }
    return new TokenFile(path, table, digest(bytes));
  }

  /** Checks the file once; returns true when it loaded a new table. */
  public boolean reload() {
    byte[] bytes;
    try {
      bytes = read(path);
    } catch (IOException e) {
      problem("auth file " + path + " cannot be read (" + describe(e) + "); keeping the "
          + table.size() + " token(s) loaded before");
      return false;
    }
    byte[] digest = digest(bytes);
    if (MessageDigest.isEqual(digest, lastSeen)) {
      return false;
    }
    lastSeen = digest;
    try {
      TokenTable next = parse(bytes);
      table = next;
      lastProblem = null;
      reloads.incrementAndGet();
      LOG.info("auth file {} reloaded: {}", path, next.summary());
      return true;
    } catch (IllegalArgumentException e) {
      rejected.incrementAndGet();
      problem("auth file " + path + " is not valid (" + e.getMessage() + "); keeping the " + table.size()
          + " token(s) loaded before");
      return false;
    }
  }

  /** Checks the file every {@code interval} on {@code scheduler}. */
  public void start(ScheduledExecutorService scheduler, Duration interval) {
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        reload();
      } catch (RuntimeException e) {
        LOG.error("checking auth file {} failed", path, e);
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public TokenTable get() {
    return table;
  }

  /** New versions of the file loaded since the start. */
  public long reloads() {
    return reloads.get();
  }

  /** New versions of the file refused (bad lines) since the start: the table stayed as it was. */
  public long rejected() {
    return rejected.get();
  }

  public Path path() {
    return path;
  }

  private void problem(String message) {
    if (!message.equals(lastProblem)) {
      LOG.error(message);
      lastProblem = message;
    }
  }

  private static byte[] read(Path path) throws IOException {
    if (Files.size(path) > MAX_FILE_BYTES) {
      throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
    }
    return Files.readAllBytes(path);
  }

  private static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "no such file" : e.toString();
  }

  private static TokenTable parse(byte[] bytes) {
    return TokenTable.parse(new String(bytes, StandardCharsets.UTF_8));
  }

  private static void warnIfOthersCanRead(Path path) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
      if (p.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("auth file {} is readable by every user of this machine; chmod o-r it", path);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system, or gone: nothing to warn about
    }
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
