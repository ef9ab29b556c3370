package io.flowplane.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `flowplane agent audit` reads the agent's egress audit locally and summarises it. */
class AgentAuditCommandTest {
    @TempDir
    Path dir;

    @Test
    void summarisesTheAuditOfAStateDirectory() throws Exception {
        Files.writeString(dir.resolve("egress-audit.jsonl"), """
                {"at":"2026-12-02T10:00:00Z","method":"flowplane.v1.AgentService/Register","type":"RegisterRequest","bytes":40,"sha256":"aa","runs":[]}
                {"at":"2026-12-02T10:00:01Z","method":"flowplane.v1.RunEventsService/SendEvents","type":"EventBatch","bytes":300,"sha256":"bb","runs":["r-1"],"events":{"LOG_LINES":2,"STATE":1}}
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("agent", "audit", "--state-dir", dir.toString())).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 messages, 340 bytes from 2026-12-02T10:00:00Z",
                "events: LOG_LINES=2 STATE=1", "runs: 1 (r-1)").containsPattern("RunEventsService/SendEvents +1 +300");
    }

    @Test
    void printsTheLinesAnAgentKeptLocally() throws Exception {
        io.flowplane.agent.locallogs.LocalLogs logs = new io.flowplane.agent.locallogs.LocalLogs(dir, true,
                java.util.Set.of(), 1 << 20, 1 << 24);
        String run = "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000";
        logs.append(run, java.time.Instant.parse("2026-12-02T10:00:00Z"), "STDOUT", "INFO", java.util.List.of("first", "tab\there"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("agent", "logs", run, "--state-dir", dir.toString())).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "2026-12-02T10:00:00Z INFO first\n2026-12-02T10:00:00Z INFO tab\there\n");
    }

    @Test
    void aMissingAuditIsAOneLineError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("agent", "audit", "--state-dir", dir.toString())).isNotZero();
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("flowplane: no egress audit at ");
    }
}
