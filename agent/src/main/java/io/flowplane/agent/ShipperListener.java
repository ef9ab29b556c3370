package io.flowplane.agent;

import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.spool.Shipper;
import io.flowplane.proto.v1.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the control plane's answer to shipped events: a stale lease stops the run. */
final class ShipperListener implements Shipper.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ShipperListener.class);

    private final RunSupervisor runs;
    private final com.codahale.metrics.Counter refused;

    ShipperListener(RunSupervisor runs, com.codahale.metrics.Counter refused) {
        this.runs = runs;
        this.refused = refused;
    }

    @Override
    public void acknowledged(long seq) {
        runs.acknowledged(seq);
    }

    @Override
    public void rejected(Rejection r, long leaseEpoch) {
        refused.inc();
        switch (r.getReason()) {
            case STALE_LEASE, UNKNOWN_RUN -> runs.lost(r.getRunId(), leaseEpoch, r.getMessage());
            default -> LOG.warn("the control plane refused event {} about run {}: {} {}", r.getSeq(), r.getRunId(),
                    r.getReason(), r.getMessage());
        }
    }
}
