/**
 * Several control planes on one PostgreSQL: {@link io.flowplane.controlplane.cluster.PostgresSignals}
 * carries the ledger's after-commit signals between replicas over LISTEN/NOTIFY (and tells the
 * listeners to re-read when notifications may have been missed), and
 * {@link io.flowplane.controlplane.cluster.AdvisoryLockLeadership} picks the one replica that runs
 * the background passes. On H2 neither exists: one process, in-process signals, always the leader.
 */
package io.flowplane.controlplane.cluster;
