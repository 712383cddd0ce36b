/** JMH benchmarks of the log side: the record format and the apply loop. */
package io.logkv.bench.log;
