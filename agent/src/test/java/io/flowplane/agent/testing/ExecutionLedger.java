package io.flowplane.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ledger the flow process itself writes: every execution appends {@code start}, its own
 * {@code tick}s, {@code term} when it gets SIGTERM and {@code end CODE} when its shell exits, each
 * line with the run id, the attempt, the shell's pid (= its process group: the watchdog starts it
 * with setsid) and the time as /proc/uptime (monotonic, 10 ms steps), read with shell builtins only:
 * a SIGTERM to the process group would kill a {@code date} child and leave a line without its
 * time. The harness converts uptime to wall-clock instants (to compare with the control plane's
 * timestamps) by an offset it measures once. A {@code start} also records how
 * many processes of the run's earlier executions (their process groups, zombies excepted) were
 * still alive at that moment, so an execution killed with SIGKILL (no {@code end}) still proves it
 * was gone before the next began. Lines are appended with one write each ({@code >>}, O_APPEND),
 * so executions on several agents can share one file.
 *
 * <p>{@link #script(String)} wraps a shell body; the body may call {@code rec tick}, {@code nap
 * SECONDS} (a sleep SIGTERM interrupts at once) and {@code await_file PATH}.
 */
public final class ExecutionLedger {
    private final Path file;
    /** Wall clock minus uptime, in milliseconds. */
    private final long bootEpochMillis;

    public ExecutionLedger(Path file) throws IOException {
        this.bootEpochMillis = bootEpochMillis();
        this.file = file.toAbsolutePath();
        Files.createDirectories(this.file.getParent());
        if (!Files.exists(this.file)) {
            Files.createFile(this.file);
        }
    }

    public Path file() {
        return file;
    }

    /** One line of the ledger. */
    public record Entry(String kind, String runId, int attempt, long pid, Instant at, long uptimeCentis, String extra) {
        static Entry parse(String line, long bootEpochMillis) {
            String[] f = line.trim().split(" ");
            long centis = centis(f[4]);
            return new Entry(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    Instant.ofEpochMilli(bootEpochMillis + centis * 10), centis, f.length > 5 ? f[5] : "");
        }
    }

    /** One execution of a run: a flow shell from its {@code start} to its last line. */
    public record Execution(String runId, int attempt, long pid, Instant start, int othersAliveAtStart,
                            Instant lastWrite, Instant terminated, Instant end, Integer exitCode, int ticks) {
        public boolean ended() {
            return end != null;
        }
    }

    /**
     * The shell script of a flow that records itself here: the prelude, {@code body}, then a
     * normal exit. The body sees FLOWPLANE_ATTEMPT and the other run variables.
     */
    public String script(String body) {
        return """
                L='%s'
                rec() { read up idle < /proc/uptime; echo "$1 $FLOWPLANE_RUN_ID $FLOWPLANE_ATTEMPT $$ $up $2" >> "$L"; }
                alive() {
                  n=0
                  for g in $(awk -v r="$FLOWPLANE_RUN_ID" -v me=$$ '$1=="start" && $2==r && $4!=me {print $4}' "$L"); do
                    c=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$g" '{ sub(/^.*\\) /, ""); if ($3 == g && $1 != "Z" && $1 != "X") n++ } END { print n+0 }')
                    n=$((n+c))
                  done
                  echo $n
                }
                nap() { sleep "$1" & wait $!; }
                await_file() { while [ ! -e "$1" ]; do nap 0.05; done; }
                trap 'rec term; exit 143' TERM
                trap 'rec end $?' EXIT
                before=$(alive)
                rec start "$before"
                %s
                """.formatted(file, body);
    }

    public List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(Entry.parse(line, bootEpochMillis));
            }
        }
        return out;
    }

    /** Every execution recorded, by run, each run's in order of start. */
    public Map<String, List<Execution>> executions() throws IOException {
        Map<String, Map<Long, List<Entry>>> byRun = new LinkedHashMap<>();
        for (Entry e : entries()) {
            byRun.computeIfAbsent(e.runId(), k -> new LinkedHashMap<>()).computeIfAbsent(e.pid(), k -> new ArrayList<>()).add(e);
        }
        Map<String, List<Execution>> out = new LinkedHashMap<>();
        byRun.forEach((run, byPid) -> {
            List<Execution> list = new ArrayList<>();
            byPid.values().forEach(entries -> list.add(execution(entries)));
            list.sort(Comparator.comparing(Execution::start));
            out.put(run, list);
        });
        return out;
    }

    public List<Execution> executions(String runId) throws IOException {
        return executions().getOrDefault(runId, List.of());
    }

    /** The run's only execution (fails if it ran more than once or not at all). */
    public Execution only(String runId) throws IOException {
        List<Execution> list = executions(runId);
        assertThat(list).as("executions of run %s in %s", runId, file).hasSize(1);
        return list.get(0);
    }

    public Optional<Execution> attempt(String runId, int attempt) throws IOException {
        return executions(runId).stream().filter(x -> x.attempt() == attempt).findFirst();
    }

    /**
     * No two executions of one run overlapped: each later execution started after the earlier
     * one's last line (its {@code end} if it had one), and found no live process of any earlier
     * execution's process group when it started.
     */
    public void assertNoOverlap() throws IOException {
        executions().forEach((run, list) -> {
            for (int i = 1; i < list.size(); i++) {
                Execution later = list.get(i);
                assertThat(later.othersAliveAtStart())
                        .as("run %s attempt %d started while %d processes of an earlier execution were alive",
                                run, later.attempt(), later.othersAliveAtStart())
                        .isZero();
                for (int j = 0; j < i; j++) {
                    Execution earlier = list.get(j);
                    assertThat(earlier.lastWrite())
                            .as("run %s: attempt %d (pid %d) still wrote at %s, after attempt %d (pid %d) started at %s",
                                    run, earlier.attempt(), earlier.pid(), earlier.lastWrite(), later.attempt(),
                                    later.pid(), later.start())
                            .isBeforeOrEqualTo(later.start());
                }
            }
        });
    }

    /** Milliseconds from {@code from} to {@code to}. */
    public static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    /** "12345.67" (seconds since boot) in centiseconds. */
    static long centis(String uptime) {
        int dot = uptime.indexOf('.');
        return Long.parseLong(uptime.substring(0, dot)) * 100 + Long.parseLong((uptime.substring(dot + 1) + "00").substring(0, 2));
    }

    /** The wall-clock instant of uptime 0, from samples taken right after the uptime advanced (±10 ms). */
    private static long bootEpochMillis() throws IOException {
        Path uptime = Path.of("/proc/uptime");
        String first = Files.readString(uptime).split(" ")[0];
        long deadline = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < deadline) {
            String now = Files.readString(uptime).split(" ")[0];
            if (!now.equals(first)) {
                return System.currentTimeMillis() - centis(now) * 10;
            }
            Thread.onSpinWait();
        }
        return System.currentTimeMillis() - centis(first) * 10;
    }

    private static Execution execution(List<Entry> entries) {
        Entry first = entries.get(0);
        Instant start = null;
        int others = 0;
        Instant last = first.at();
        Instant term = null;
        Instant end = null;
        Integer code = null;
        int ticks = 0;
        for (Entry e : entries) {
            if (e.at().isAfter(last)) {
                last = e.at();
            }
            switch (e.kind()) {
                case "start" -> {
                    start = e.at();
                    others = e.extra().isEmpty() ? 0 : Integer.parseInt(e.extra());
                }
                case "tick" -> ticks++;
                case "term" -> term = e.at();
                case "end" -> {
                    end = e.at();
                    code = e.extra().isEmpty() ? null : Integer.valueOf(e.extra());
                }
                default -> { }
            }
        }
        return new Execution(first.runId(), first.attempt(), first.pid(), start == null ? first.at() : start, others,
                last, term, end, code, ticks);
    }
}
