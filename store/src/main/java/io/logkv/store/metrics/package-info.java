/**
 * The node's Prometheus metrics, on a registry of its own (several nodes can share a JVM in
 * tests): request counts and latency by route and status, and gauges read from the node's state
 * at scrape time.
 */
package io.logkv.store.metrics;
