package io.flowplane.controlplane.state;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Named states refine a state type for display; each belongs to exactly one type. */
public enum StateName {
    SCHEDULED("Scheduled", StateType.SCHEDULED),
    LATE("Late", StateType.SCHEDULED),
    AWAITING_RETRY("AwaitingRetry", StateType.SCHEDULED),
    AWAITING_CONCURRENCY_SLOT("AwaitingConcurrencySlot", StateType.SCHEDULED),
    PENDING("Pending", StateType.PENDING),
    RUNNING("Running", StateType.RUNNING),
    RETRYING("Retrying", StateType.RUNNING),
    PAUSED("Paused", StateType.PAUSED),
    CANCELLING("Cancelling", StateType.CANCELLING),
    COMPLETED("Completed", StateType.COMPLETED),
    CACHED("Cached", StateType.COMPLETED),
    FAILED("Failed", StateType.FAILED),
    TIMED_OUT("TimedOut", StateType.FAILED),
    CANCELLED("Cancelled", StateType.CANCELLED),
    CRASHED("Crashed", StateType.CRASHED);

    private static final Map<String, StateName> BY_LABEL =
            Arrays.stream(values()).collect(Collectors.toMap(s -> s.label, Function.identity()));

    private final String label;
    private final StateType type;

    StateName(String label, StateType type) {
        this.label = label;
        this.type = type;
    }

    public String label() {
        return label;
    }

    public StateType type() {
        return type;
    }

    public static Optional<StateName> ofLabel(String label) {
        return Optional.ofNullable(BY_LABEL.get(label));
    }

    /** The name to store for a requested (type, label): empty label means the type's default. */
    public static StateName resolve(StateType type, String label) {
        if (label == null || label.isEmpty()) {
            return ofLabel(type.defaultName()).orElseThrow();
        }
        StateName name = ofLabel(label).orElseThrow(
                () -> new IllegalArgumentException("unknown state name '" + label + "'"));
        if (name.type != type) {
            throw new IllegalArgumentException(
                    "state name '" + label + "' belongs to " + name.type + ", not " + type);
        }
        return name;
    }
}
