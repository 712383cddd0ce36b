/**
 * The client side of a chaos run: an HTTP client for the logkv API, bounded client threads that
 * write unique values over a small hot key set and read them back (default, session-token and
 * strong reads) through nginx, and the one place that turns an HTTP answer into a recorded
 * operation and an error kind.
 */
package io.logkv.chaos.workload;
