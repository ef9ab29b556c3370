package io.flowplane.controlplane.store;

import io.flowplane.controlplane.state.StateType;

import java.time.Instant;
import java.util.UUID;

/**
 * How a deployment has been doing: runs that ended in the window by outcome (crashes count as
 * failures), the success rate among them (null without any), its newest run's state and its next
 * scheduled run.
 */
public record DeploymentHealth(UUID deploymentId, String name, long completed, long failed, long cancelled,
                               Double successRate, String lastStateType, String lastStateName, Instant lastStateAt,
                               Instant nextRunAt) {

    static final class Builder {
        final UUID id;
        final String name;
        long completed;
        long failed;
        long cancelled;
        String lastType;
        String lastName;
        Instant lastAt;
        Instant nextRunAt;

        Builder(UUID id, String name) {
            this.id = id;
            this.name = name;
        }

        void ended(String type, long n) {
            switch (StateType.valueOf(type)) {
                case COMPLETED -> completed += n;
                case FAILED, CRASHED -> failed += n;
                case CANCELLED -> cancelled += n;
                default -> { }
            }
        }

        DeploymentHealth build() {
            long decided = completed + failed;
            return new DeploymentHealth(id, name, completed, failed, cancelled,
                    decided == 0 ? null : (double) completed / decided, lastType, lastName, lastAt, nextRunAt);
        }
    }
}
