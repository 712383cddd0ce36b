/**
 * Who may do what: bearer tokens and their roles, read from the auth file and reloaded when it
 * changes, and the check of a request's token against the role its route needs. Knows nothing of
 * HTTP routes; the {@code http} package maps routes to roles.
 */
package io.logkv.store.auth;
