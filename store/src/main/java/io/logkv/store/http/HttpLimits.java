package io.logkv.store.http;

/**
 * Bounds on what one client may make the node hold.
 *
 * @param maxValueBytes the largest request body (413 above)
 * @param requestTimeoutMillis time a client has to send a request's body (the connection is closed after)
 * @param maxInflightBodyBytes request body bytes received and not yet handled, all requests together (503 above)
 * @param maxConnections open connections above which requests are answered 503 and the connection closed
 */
public record HttpLimits(long maxValueBytes, long requestTimeoutMillis, long maxInflightBodyBytes, int maxConnections) {}
