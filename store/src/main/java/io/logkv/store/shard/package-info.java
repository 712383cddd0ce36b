/**
 * Sharded mode: the static member list, which R members own each partition (rendezvous hashing,
 * computed alike by every node and client), and this node's view of the other members (ready or
 * not, refusing connections or not, started with the same list or not). Depends on nothing of
 * the node but the partition function.
 */
package io.logkv.store.shard;
