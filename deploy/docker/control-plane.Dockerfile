# Flowplane control plane. Build the distribution first, then the image, from the repository root:
#   mvn -B -DskipTests package
#   docker build -f deploy/docker/control-plane.Dockerfile -t flowplane-control-plane:0.1.0 .
# Run (data in a named volume; set the first admin key, or read the generated one from
# /var/lib/flowplane/flowplane-data/bootstrap-admin.key in the volume: it never goes to the log):
#   docker run -p 8080:8080 -p 9090:9090 -v flowplane-data:/var/lib/flowplane \
#     -e FLOWPLANE_BOOTSTRAP_ADMIN_KEY=fp_... flowplane-control-plane:0.1.0
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 flowplane \
 && useradd --system --uid 10001 --gid flowplane --home-dir /var/lib/flowplane --shell /usr/sbin/nologin flowplane \
 && mkdir -p /var/lib/flowplane /etc/flowplane \
 && chown flowplane:flowplane /var/lib/flowplane

COPY cli/target/flowplane.jar /opt/flowplane/flowplane.jar
COPY deploy/jvm/server.options /opt/flowplane/server.options
COPY deploy/control-plane.yml /etc/flowplane/control-plane.yml

# Class-data archive (AppCDS) of the server's classes, recorded with this image's JVM and jar by a
# training run (dev mode with the example flow on free ports, 15-40 s): the control plane then
# starts with ~40% less CPU. See deploy/jvm/server.options.
RUN java @/opt/flowplane/server.options -XX:ArchiveClassesAtExit=/opt/flowplane/server.jsa \
      -cp /opt/flowplane/flowplane.jar io.flowplane.cli.server.CdsTraining > /dev/null

# The sample config keeps H2 at ./flowplane-data relative to the working directory: the volume.
WORKDIR /var/lib/flowplane
VOLUME ["/var/lib/flowplane"]
USER 10001:10001

# 8080 REST API, 9090 gRPC (agents, SDK), 8081 admin (health, metrics: keep it internal).
EXPOSE 8080 8081 9090

# exec form: the JVM is PID 1 and gets SIGTERM, on which the control plane stops cleanly.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "@/opt/flowplane/server.options", \
            "-XX:SharedArchiveFile=/opt/flowplane/server.jsa", "-jar", "/opt/flowplane/flowplane.jar", \
            "server", "--config", "/etc/flowplane/control-plane.yml"]
