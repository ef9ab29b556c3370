package io.flowplane.controlplane.backfills;

import io.flowplane.controlplane.model.Backfill;

/**
 * A backfill and how far it got. {@code running} counts claimed and executing runs,
 * {@code scheduled} released runs waiting for an agent (including retries), {@code waiting} runs
 * held back by maxActive; the six counts add up to {@code total}.
 */
public record BackfillProgress(Backfill backfill, long total, long completed, long failed, long cancelled,
                               long running, long scheduled, long waiting) {
}
