# Flowplane control plane. Build the distribution first, then the image, from the repository root:
#   mvn -B -DskipTests package
#   docker build -f deploy/docker/control-plane.Dockerfile -t flowplane-control-plane:0.1.0 .
# Run (data in a named volume; the first admin key is printed once in the log, or set it):
#   docker run -p 8080:8080 -p 9090:9090 -v flowplane-data:/var/lib/flowplane \
#     -e FLOWPLANE_BOOTSTRAP_ADMIN_KEY=fp_... flowplane-control-plane:0.1.0
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 flowplane \
 && useradd --system --uid 10001 --gid flowplane --home-dir /var/lib/flowplane --shell /usr/sbin/nologin flowplane \
 && mkdir -p /var/lib/flowplane /etc/flowplane \
 && chown flowplane:flowplane /var/lib/flowplane

COPY cli/target/flowplane.jar /opt/flowplane/flowplane.jar
COPY deploy/control-plane.yml /etc/flowplane/control-plane.yml

# The sample config keeps H2 at ./flowplane-data relative to the working directory: the volume.
WORKDIR /var/lib/flowplane
VOLUME ["/var/lib/flowplane"]
USER 10001:10001

# 8080 REST API, 9090 gRPC (agents, SDK), 8081 admin (health, metrics: keep it internal).
EXPOSE 8080 8081 9090

# exec form: the JVM is PID 1 and gets SIGTERM, on which the control plane stops cleanly.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/flowplane/flowplane.jar", \
            "server", "--config", "/etc/flowplane/control-plane.yml"]
