package io.flowplane.controlplane.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.RetryPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The retry rule a run was created with (deployment edits do not change runs in flight). */
public final class RetryPolicies {
    private final ObjectMapper json;
    private final Map<String, RetryPolicy> parsed = new ConcurrentHashMap<>();

    public RetryPolicies(ObjectMapper json) {
        this.json = json;
    }

    public RetryPolicy of(FlowRun run) {
        // Every reported state asks for it; runs of one deployment share the same few strings.
        String key = run.policy().retryDelays() + "|" + run.policy().maxRetries();
        RetryPolicy cached = parsed.get(key);
        if (cached != null) {
            return cached;
        }
        RetryPolicy policy = parse(run);
        if (parsed.size() >= 1024) {
            parsed.clear();
        }
        parsed.put(key, policy);
        return policy;
    }

    private RetryPolicy parse(FlowRun run) {
        try {
            double[] seconds = json.readValue(run.policy().retryDelays(), double[].class);
            List<Duration> delays = Arrays.stream(seconds).mapToObj(s -> Duration.ofMillis(Math.round(s * 1000))).toList();
            return new RetryPolicy(run.policy().maxRetries(), delays);
        } catch (IOException e) {
            throw new UncheckedIOException("run " + run.id() + " has unreadable retry delays", e);
        }
    }
}
