package io.logkv.store.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;

/**
 * The status page: {@code GET /} and its assets under {@code /ui/}, served from the jar (nothing
 * from a CDN, so it works offline). The page reads {@code GET /cluster/status} every second and
 * draws every member from it.
 */
final class StatusPage {
  private StatusPage() {}

  static HttpHandler handler() {
    ResourceHandler assets = new ResourceHandler(new ClassPathResourceManager(StatusPage.class.getClassLoader(), "ui"))
        .setCacheTime(60)
        .setDirectoryListingEnabled(false);
    return exchange -> {
      exchange.setRelativePath(exchange.getRequestPath().startsWith("/ui/")
          ? exchange.getRequestPath().substring(3) : "/index.html");
      assets.handleRequest(exchange);
    };
  }
}
