/**
 * The in-memory map every node holds in full: entries, expiry against an injected clock, memory
 * accounting and the digest that lets replicas be compared. Only the applier thread writes to it;
 * request threads only read.
 */
package io.logkv.store.cache;
