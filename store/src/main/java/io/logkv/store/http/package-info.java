/**
 * The HTTP API on Undertow: routing, request parsing at the edge (keys, positions, ttl), the
 * handlers, and the one place where errors become JSON responses. GETs are answered on the I/O
 * thread; writes and waiting reads continue from futures, so no thread is parked per request.
 */
package io.logkv.store.http;
