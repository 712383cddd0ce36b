/**
 * The logkv node: {@link io.logkv.store.Node} wires the cache, the Kafka log and the HTTP API
 * together; {@link io.logkv.store.Main} is the command line entry point.
 */
package io.logkv.store;
