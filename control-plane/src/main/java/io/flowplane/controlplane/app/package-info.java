/**
 * Wiring: the Dropwizard application, its configuration and the object graph it builds. Nothing
 * else depends on this package: the edges receive {@code services.Services}, and the gRPC server
 * its own {@code grpc.GrpcConfiguration} (so {@code PackageCyclesTest} finds no cycle through it).
 */
package io.flowplane.controlplane.app;
