package io.logkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real redis-server and redis-benchmark, as the report runs them. */
@Timeout(60)
class RedisTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  @TempDir Path dir;
  private Path server;
  private Path benchmark;

  @BeforeEach
  void find() {
    ToolFinder tools = ToolFinder.forThisMachine();
    server = tools.find(Tool.REDIS_SERVER).orElse(null);
    benchmark = tools.find(Tool.REDIS_BENCHMARK).orElse(null);
    assumeTrue(server != null && benchmark != null,
        () -> Tool.notRun(tools.missing(Tool.REDIS_SERVER, Tool.REDIS_BENCHMARK)));
  }

  @Test
  void setThenGet_overABoundedKeySet_givesRateAndPercentiles() throws Exception {
    try (Redis redis = new Redis(server, benchmark, dir.resolve("server"), dir.resolve("out")).start()) {
      Redis.Result set = redis.run("set", "SET", 4, 100, 1_000, 20_000, TIMEOUT);
      long keys = redis.keyCount();
      Redis.Result get = redis.run("get", "GET", 4, 100, 1_000, 5_000, TIMEOUT);

      assertThat(keys).isBetween(900L, 1_000L); // 20,000 SETs at random over 1,000 keys
      for (Redis.Result r : List.of(set, get)) {
        assertThat(r.rps()).isPositive();
        assertThat(r.p50Ms()).isPositive().isLessThanOrEqualTo(r.p99Ms());
        assertThat(r.p99Ms()).isLessThanOrEqualTo(r.maxMs());
      }
      assertThat(set.test()).isEqualTo("SET");
      assertThat(get.test()).isEqualTo("GET");
      assertThat(Files.readString(dir.resolve("out").resolve("redis-set.csv"))).contains("-P 1", "-c 4", "-d 100", "\"SET\"");
    }
  }

  @Test
  void aRunAfterTheServerStopped_failsAtOnce_insteadOfWaitingForIt() {
    Redis redis = new Redis(server, benchmark, dir.resolve("server"), dir.resolve("out")).start();
    redis.close();
    assertThatThrownBy(() -> redis.run("set", "SET", 1, 100, 10, 100, TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis-server is not running");
  }
}
