package io.flowplane.agent.connection;

import io.grpc.CallCredentials;
import io.grpc.Metadata;

import java.util.concurrent.Executor;

/**
 * Sends the agent's API key on every call as "authorization: Bearer fp_…"; none when the agent
 * has no key (its client certificate alone authenticates it).
 */
final class ApiKeyCredentials extends CallCredentials {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String apiKey;

    ApiKeyCredentials(String apiKey) {
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        if (apiKey != null) {
            headers.put(AUTHORIZATION, "Bearer " + apiKey);
        }
        applier.apply(headers);
    }
}
