/**
 * Every setting of a node in one place: name, default, validation, help line and typed accessor.
 * The command line is parsed by picocli; {@code LOGKV_*} environment variables are the fallback.
 */
package io.logkv.store.config;
