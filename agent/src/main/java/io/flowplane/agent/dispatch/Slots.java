package io.flowplane.agent.dispatch;

import java.time.Duration;

/**
 * The agent's execution slots. The poller reserves every free slot before it asks for work (so
 * the control plane never hands it more runs than it can start) and gives back what it did not get.
 */
public final class Slots {
    private final int total;
    private int free;

    public Slots(int total) {
        this.total = total;
        this.free = total;
    }

    /** Waits up to {@code wait} for a free slot, then takes all free slots; 0 if none came free. */
    public synchronized int reserveAll(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (free == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        int taken = free;
        free = 0;
        return taken;
    }

    /** Takes {@code n} slots at once (runs adopted on start, before any poll). */
    public synchronized void take(int n) {
        free = Math.max(0, free - n);
    }

    public synchronized void release(int n) {
        if (n <= 0) {
            return;
        }
        free = Math.min(total, free + n);
        notifyAll();
    }

    public synchronized int free() {
        return free;
    }

    public int total() {
        return total;
    }

    public synchronized void wakeUp() {
        notifyAll();
    }
}
