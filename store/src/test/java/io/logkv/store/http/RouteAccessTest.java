package io.logkv.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.logkv.store.auth.Role;
import io.undertow.util.HttpString;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteAccessTest {
  private static Optional<Role> needed(String method, String path) {
    return RouteAccess.needed(HttpString.tryFromString(method), path);
  }

  @Test
  void dataRoutes_readWithGet_writeWithEverythingElse() {
    assertThat(needed("GET", "/keys/a")).contains(Role.READ);
    assertThat(needed("HEAD", "/keys/a")).contains(Role.READ);
    assertThat(needed("GET", "/keys")).contains(Role.READ);
    assertThat(needed("GET", "/api/cache/a/")).contains(Role.READ);
    assertThat(needed("PUT", "/keys/a")).contains(Role.WRITE);
    assertThat(needed("DELETE", "/keys/a")).contains(Role.WRITE);
    assertThat(needed("POST", "/keys/a/ttl")).contains(Role.WRITE);
    assertThat(needed("PATCH", "/keys/a")).contains(Role.WRITE);
    assertThat(needed("POST", "/api/cache/a/")).contains(Role.WRITE);
    assertThat(needed("DELETE", "/api/cache/a/")).contains(Role.WRITE);
    assertThat(needed("DELETE", "/keys")).contains(Role.WRITE);
  }

  @Test
  void statusAndCluster_areRead_metricsAndAdmin_areAdmin_healthIsOpen() {
    assertThat(needed("GET", "/status")).contains(Role.READ);
    assertThat(needed("GET", "/cluster")).contains(Role.READ);
    assertThat(needed("GET", "/cluster/status")).contains(Role.READ);
    assertThat(needed("GET", "/metrics")).contains(Role.ADMIN);
    assertThat(needed("GET", "/admin/digest")).contains(Role.ADMIN);
    for (String open : new String[] {"/health/live", "/health/ready", "/api/health/", "/api/health",
        "/cluster/fingerprint", "/", "/ui/status.js"}) {
      assertThat(needed("GET", open)).as(open).isEmpty();
    }
  }

  @Test
  void unknownPaths_needAdmin_soANewRouteStartsClosed() {
    assertThat(needed("GET", "/nope")).contains(Role.ADMIN);
    assertThat(needed("GET", "//admin/digest")).contains(Role.ADMIN);
    assertThat(needed("GET", "/health/live/")).contains(Role.ADMIN);
    assertThat(needed("GET", "/status/")).contains(Role.ADMIN);
  }
}
