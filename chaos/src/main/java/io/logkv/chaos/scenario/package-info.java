/**
 * Runs a scenario against a chaos cluster: the workload through nginx, the fault windows in the
 * same history, healing and convergence, the nodes' final states, the checker, and the result
 * files. The scenarios themselves (which fault, when, and what they expect) are the failsafe tests;
 * this package only sequences and measures.
 */
package io.logkv.chaos.scenario;
