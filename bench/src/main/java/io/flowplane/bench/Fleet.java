package io.flowplane.bench;

import java.util.ArrayList;
import java.util.List;

/** A set of agents serving one pool, executing no-op runs into {@link Executions#GLOBAL}. */
final class Fleet implements AutoCloseable {
    private final List<AutoCloseable> members = new ArrayList<>();

    static Fleet start(BenchControlPlane cp, String pool, int agents, int slots) throws Exception {
        Fleet f = new Fleet();
        for (int i = 0; i < agents; i++) {
            f.members.add(new BenchPoller(cp.grpcTarget(), BenchControlPlane.ADMIN_KEY, pool, slots, Executions.GLOBAL));
        }
        return f;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable m : members) {
            m.close();
        }
    }
}
