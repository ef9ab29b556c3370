/**
 * The event log: what happened to runs and resources, recorded in the transaction of the change
 * ({@link io.flowplane.controlplane.eventlog.EventSink}, implemented by {@link
 * io.flowplane.controlplane.eventlog.EventLog}), read with filters, cursor paging and a follow mode
 * ({@link io.flowplane.controlplane.eventlog.EventFeed}), and trimmed by retention. Not to be
 * confused with {@code events}, which ingests the agents' reports.
 */
package io.flowplane.controlplane.eventlog;
