/**
 * The run ledger: the only code that writes flow runs and their state history. {@link
 * io.flowplane.controlplane.ledger.RunLedger} creates runs and applies user and server
 * transitions, Late marking and backfill release; {@link io.flowplane.controlplane.ledger.ReportBatch}
 * applies an agent's reported transitions, log counts and heartbeats; {@link
 * io.flowplane.controlplane.ledger.Claims} moves chosen runs to PENDING; {@link
 * io.flowplane.controlplane.ledger.Leases} owns lease length, extension and expiry. Every change
 * asks {@code state.RunStateMachine} about the transition it writes and registers the signals it
 * implies with its unit of work; {@link io.flowplane.controlplane.ledger.SignalHooks} sends them
 * once, after the commit, through the {@link io.flowplane.controlplane.signals.Signals} interface.
 */
package io.flowplane.controlplane.ledger;
