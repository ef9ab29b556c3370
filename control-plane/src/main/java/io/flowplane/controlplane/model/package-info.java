/**
 * The stored records, immutable. Wide ones are grouped by who sets a value and when: a {@link
 * io.flowplane.controlplane.model.FlowRun} is its Origin, Placement and Policy (fixed at creation)
 * and its State, Lease and Times (changed only by the run ledger); a {@link
 * io.flowplane.controlplane.model.TaskRun} is its State, Result and Times. Nothing here talks to
 * the database or sends signals.
 */
package io.flowplane.controlplane.model;
