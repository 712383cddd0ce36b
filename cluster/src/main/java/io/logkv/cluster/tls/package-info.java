/**
 * TLS at nginx: the certificate and key it serves ({@link io.logkv.cluster.tls.TlsFiles}), made by
 * a local CA that the launcher creates and keeps ({@link io.logkv.cluster.tls.LocalCertificates}),
 * and the SSL contexts clients and probes trust it with.
 */
package io.logkv.cluster.tls;
