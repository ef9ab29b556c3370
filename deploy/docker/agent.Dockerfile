# Flowplane agent. Build the distribution first, then the image, from the repository root:
#   mvn -B -DskipTests package
#   docker build -f deploy/docker/agent.Dockerfile -t flowplane-agent:0.1.0 .
# Run (use an agent-role key: `flowplane api-key create agent-1 --role agent --pool default`):
#   docker run --init -e FLOWPLANE_GRPC_URL=control-plane.internal:9090 -e FLOWPLANE_API_KEY=fp_... \
#     -v flowplane-agent:/var/lib/flowplane-agent flowplane-agent:0.1.0
#
# The agent runs flows as local processes inside this container, so the image must hold what
# the flows need: derive from it (FROM flowplane-agent:0.1.0, then COPY your flow jars / install
# your runtime). Java 17 is already there for Java SDK flows.
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 flowplane \
 && useradd --system --uid 10001 --gid flowplane --home-dir /var/lib/flowplane-agent --shell /usr/sbin/nologin flowplane \
 && mkdir -p /var/lib/flowplane-agent /etc/flowplane \
 && chown flowplane:flowplane /var/lib/flowplane-agent

COPY cli/target/flowplane-agent.jar /opt/flowplane/flowplane-agent.jar
COPY deploy/jvm/agent.options /opt/flowplane/agent.options
COPY deploy/agent.yml /etc/flowplane/agent.yml

# The spool (unacknowledged events) and run directories live here: keep it on a volume so a
# restarted container re-sends what the control plane has not acknowledged.
WORKDIR /var/lib/flowplane-agent
VOLUME ["/var/lib/flowplane-agent"]
USER 10001:10001

# Run with `docker run --init` (or Kubernetes shareProcessNamespace) so orphaned grandchildren of
# flows are reaped. On SIGTERM the agent stops polling, lets runs finish (shutdownGrace), then
# flushes its spool (flushTimeout): give the container that long to stop (docker stop -t 60).
# JVM options: deploy/jvm/agent.options (serial GC, a heap capped at 128 MiB, C1 only), which keep an
# idle agent at about 70 MiB (measured with the agent-only jar); flows run as their own processes and are not bound by them.
ENTRYPOINT ["java", "@/opt/flowplane/agent.options", "-jar", "/opt/flowplane/flowplane-agent.jar", \
            "agent", "--config", "/etc/flowplane/agent.yml", "--state-dir", "/var/lib/flowplane-agent"]
