/**
 * Post-commit notifications between the parts of a control plane (and, on PostgreSQL, between
 * replicas). Depends on nothing else in the control plane, so the ledger that sends signals and
 * the event log, dispatcher and watchers that receive them do not depend on each other through it.
 */
package io.flowplane.controlplane.signals;
