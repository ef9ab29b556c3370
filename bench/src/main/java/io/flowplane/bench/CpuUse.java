package io.flowplane.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time spent by the harness's JVM (control plane, agents and creator alike) over a section,
 * per thread group: where a figure's cost goes when the machine, not a lock, is the limit.
 * Threads that end during the section are counted in the process total only.
 */
final class CpuUse {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long processStart = processCpu();
    private final Map<Long, Long> threadStart = snapshot();
    private final long[] machineStart = machineTicks();

    /** "process 8.1 s CPU (1,620 µs per run); claim 1.2 s, grpc-default-executor 3.4 s, …". */
    String summary(long units, String unit) {
        double process = (processCpu() - processStart) / 1e9;
        Map<String, Double> byGroup = new TreeMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long now = threads.getThreadCpuTime(id);
            if (info == null || now < 0) {
                continue;
            }
            String group = info.getThreadName().replaceAll("[-#]?\\d+", "");
            byGroup.merge(group, (now - threadStart.getOrDefault(id, 0L)) / 1e9, Double::sum);
        }
        String top = byGroup.entrySet().stream().filter(e -> e.getValue() >= 0.05)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format("process %.2f s CPU (%.0f µs per %s)%s; %s", process, process * 1e6 / Math.max(1, units),
                unit, machine(), top);
    }

    /**
     * How busy the whole machine was meanwhile, from /proc/stat (empty where there is none): with
     * a database server in its own processes (PostgreSQL), the JVM's share alone does not say
     * whether the cores were the limit.
     */
    private String machine() {
        long[] now = machineTicks();
        if (now == null || machineStart == null || now[1] <= machineStart[1]) {
            return "";
        }
        double busy = (double) (now[0] - machineStart[0]) / (now[1] - machineStart[1]);
        return String.format(", machine %.0f %% busy", busy * 100);
    }

    /** {busy, total} jiffies over all cores; busy excludes idle and iowait. Null without /proc/stat. */
    private static long[] machineTicks() {
        try {
            String cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[] {total - idle, total};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private Map<Long, Long> snapshot() {
        Map<Long, Long> m = new TreeMap<>();
        for (long id : threads.getAllThreadIds()) {
            m.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        return m;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
