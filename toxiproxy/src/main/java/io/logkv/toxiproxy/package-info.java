/**
 * A server that speaks the Toxiproxy HTTP API, so the chaos suite can inject network faults with the
 * unmodified toxiproxy-java client when no real Toxiproxy is at hand. It owns the control API, the
 * TCP proxies (one listener per proxy, two one-way links per connection) and the toxics that act on
 * those links while they run.
 */
package io.logkv.toxiproxy;
