/**
 * All SQL and every use of Jdbi ({@code StoreBoundaryTest} fails on any outside this package, the
 * cluster package's LISTEN/NOTIFY and advisory locks excepted). {@link
 * io.flowplane.controlplane.store.Store} opens units of work ({@link
 * io.flowplane.controlplane.store.UnitOfWork}, whose after-commit hooks carry the ledger's
 * signals) and hands out the DAOs. The rows written on every run go through {@link
 * io.flowplane.controlplane.store.RunRows} (plain JDBC, multi-row INSERTs) and are read back by
 * the hand-written {@link io.flowplane.controlplane.store.FlowRunMapper} and {@link
 * io.flowplane.controlplane.store.TaskRunMapper} (one column list per table drives both
 * directions); report batches from many agents share one commit through {@link
 * io.flowplane.controlplane.store.GroupCommit}. Differences between H2 and PostgreSQL are
 * fragments of one statement ({@link io.flowplane.controlplane.store.Dialect}) except the claim,
 * which has one implementation per database (SKIP LOCKED on PostgreSQL).
 */
package io.flowplane.controlplane.store;
