package io.flowplane.cli.agent;

import io.flowplane.agent.audit.EgressAudit;
import io.flowplane.agent.audit.EgressAuditSummary;
import io.flowplane.cli.CliException;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flowplane agent audit}: summarises the agent's egress audit; reads a local file, calls no server. */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Summarise what an agent sent to the control plane (its egress audit, written with --egress-audit).")
public final class AgentAudit implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "the agent's state directory (default ./flowplane-agent)")
    Path stateDir = Path.of("flowplane-agent");

    @Option(names = "--file", paramLabel = "FILE", description = "the audit file itself (default STATE_DIR/" + EgressAudit.FILE_NAME + ")")
    Path file;

    @Override
    public Integer call() throws Exception {
        Path audit = file != null ? file : stateDir.resolve(EgressAudit.FILE_NAME);
        if (!Files.isRegularFile(audit)) {
            throw new CliException("no egress audit at " + audit + " (start the agent with --egress-audit)");
        }
        EgressAuditSummary.read(audit).print(audit, System.out);
        return 0;
    }
}
