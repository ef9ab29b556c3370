package io.flowplane.agent.exec;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** Stops a process and everything it started: SIGTERM to the whole tree, SIGKILL after a grace period. */
final class ProcessTree {
    private ProcessTree() {
    }

    /** Returns when every process of the tree has exited (or after SIGKILL was sent to the rest). */
    static void terminate(ProcessHandle root, Duration grace) {
        // Take the tree before signalling: a child whose parent died is re-parented and would no
        // longer show up among the root's descendants.
        Set<ProcessHandle> tree = snapshot(root);
        tree.forEach(ProcessHandle::destroy);
        if (awaitExit(tree, grace)) {
            return;
        }
        Set<ProcessHandle> left = new LinkedHashSet<>();
        for (ProcessHandle p : tree) {
            if (running(p)) {
                left.addAll(snapshot(p));
            }
        }
        left.forEach(ProcessHandle::destroyForcibly);
        awaitExit(left, Duration.ofSeconds(5));
    }

    private static Set<ProcessHandle> snapshot(ProcessHandle root) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        return tree;
    }

    /**
     * Polls rather than using onExit(): for a process that is not our child (a grandchild) the JDK
     * can only poll too, with growing pauses, which made a cancel take seconds.
     */
    private static boolean awaitExit(Set<ProcessHandle> tree, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tree.stream().anyMatch(ProcessTree::running)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Alive and not a zombie. A grandchild whose parent died is re-parented to PID 1, which may
     * reap it late; until then {@link ProcessHandle#isAlive()} still says true for a dead process.
     */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/stat"));
            int end = stat.lastIndexOf(')');
            char state = end > 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 'R';
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException | RuntimeException e) {
            // No /proc (not Linux) or the process just went away.
            return p.isAlive();
        }
    }
}
