/**
 * The audit log: every write request to the REST API (and every refused one) stored with the
 * key that made it, what it asked, how it ended and from where; read by admins at
 * {@code GET /api/v1/audit-events}, deleted after the configured retention.
 */
package io.flowplane.controlplane.audit;
