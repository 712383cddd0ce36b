/**
 * The record of what a chaos workload did and saw: every operation with its invoke and complete
 * times, outcome and returned position, the fault windows, and the nodes' final states. It is
 * recorded concurrently by the client threads, read as immutable values by the checker, and
 * written to and read from JSON for results files.
 */
package io.logkv.chaos.history;
