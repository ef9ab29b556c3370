package io.flowplane.controlplane.api;

import io.flowplane.controlplane.auth.Requires;
import io.flowplane.controlplane.model.Permission;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Serves the OpenAPI document (a test keeps it in step with the resources). */
@Path("/api/v1/openapi.yaml")
public final class OpenApiResource {
    private final String document;

    OpenApiResource() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream("/openapi.yaml")) {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Produces("application/yaml")
    @Requires(Permission.READ)
    public String get() {
        return document;
    }
}
