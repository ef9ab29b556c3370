/**
 * Retention of finished runs: a run in a terminal state older than {@code retention.maxAge}, or
 * beyond the newest {@code retention.keepPerDeployment} finished runs of its deployment, is
 * deleted with its state history, task runs, log lines and artifacts, a small batch per
 * transaction. Unfinished runs are never touched: the batch locks its runs and deletes only
 * those still finished.
 */
package io.flowplane.controlplane.retention;
