package io.flowplane.sdk.internal;

import io.flowplane.sdk.TaskFunction;
import io.flowplane.sdk.TaskTimeoutException;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an attempt on the calling thread and interrupts it when the timeout passes. An attempt
 * that ignores the interrupt still ends TimedOut when it returns; the result is discarded.
 */
final class Timeouts {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;
    private static final int INTERRUPTED = 3;

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flowplane-timeouts");
        t.setDaemon(true);
        return t;
    });

    <I, R> R call(TaskFunction<I, R> fn, I input, Duration timeout, String taskRunName) throws Exception {
        Thread runner = Thread.currentThread();
        AtomicInteger state = new AtomicInteger(RUNNING);
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
            if (state.compareAndSet(RUNNING, TIMED_OUT)) {
                runner.interrupt();
                state.set(INTERRUPTED);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        R result;
        try {
            result = fn.apply(input);
        } catch (Exception e) {
            if (state.compareAndSet(RUNNING, DONE)) {
                alarm.cancel(false);
                throw e;
            }
            throw timedOut(state, taskRunName, timeout);
        }
        if (state.compareAndSet(RUNNING, DONE)) {
            alarm.cancel(false);
            return result;
        }
        throw timedOut(state, taskRunName, timeout);
    }

    /** Waits until the watchdog's interrupt has landed, then clears it: it was meant for the attempt only. */
    private static TaskTimeoutException timedOut(AtomicInteger state, String name, Duration timeout) {
        while (state.get() != INTERRUPTED) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        return new TaskTimeoutException(name, timeout);
    }

    void close() {
        watchdog.shutdownNow();
    }
}
