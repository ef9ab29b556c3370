package io.flowplane.agent.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
            if (p.isAlive()) {
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

    private static boolean awaitExit(Set<ProcessHandle> tree, Duration timeout) {
        List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
        tree.forEach(p -> exits.add(p.onExit()));
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return tree.stream().noneMatch(ProcessHandle::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
