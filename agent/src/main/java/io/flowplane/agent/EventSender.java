package io.flowplane.agent;

import io.flowplane.agent.connection.ControlPlaneConnection;
import io.flowplane.agent.spool.Shipper;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;

import java.time.Duration;

/** Sends spool batches over the agent's channel, with a deadline. */
final class EventSender implements Shipper.Sender {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ControlPlaneConnection connection;

    EventSender(ControlPlaneConnection connection) {
        this.connection = connection;
    }

    @Override
    public EventAck send(EventBatch batch) {
        return connection.events(DEADLINE).sendEvents(batch);
    }

    @Override
    public void beforeRetry() {
        connection.reconnectNow();
    }
}
