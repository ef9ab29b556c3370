package io.flowplane.agent.testing;

import java.time.Duration;
import java.time.Instant;

import static org.awaitility.Awaitility.await;

/**
 * For drills whose scenario is defined in wall-clock time (an outage of 10 s, a restart 5 s after
 * a death, a cut of twice the lease): waits until that much time has passed since an instant the
 * test recorded, as a condition awaited like any other rather than a fixed sleep.
 */
public final class Elapsed {
    private Elapsed() {
    }

    /** Returns once {@code length} has passed since {@code since} (at once if it already has). */
    public static void since(Instant since, Duration length) {
        Instant until = since.plus(length);
        await().atMost((length.isNegative() ? Duration.ZERO : length).plusSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> !Instant.now().isBefore(until));
    }
}
