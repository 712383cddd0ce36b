/**
 * The consistency checker: given a recorded history and the nodes' final states, it proves or
 * refutes the promises of the design (convergence, no lost acknowledged write, no phantom value,
 * token and strong reads not stale, monotonic reads) and explains each violation with the
 * operations that show it. Pure logic on immutable values, kept apart from the workloads and the
 * faults that produce the histories.
 */
package io.logkv.chaos.checker;
