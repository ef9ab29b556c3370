package io.flowplane.controlplane.grpc;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** control-plane.yml's {@code grpc}: the endpoint agents and the SDK connect to. */
public class GrpcConfiguration {
    @JsonProperty public String bindHost = "0.0.0.0";
    @Min(0) @JsonProperty public int port = 9090;
    /** PEM files; both set means TLS. */
    @JsonProperty public String certChainFile;
    @JsonProperty public String privateKeyFile;
    /**
     * Mutual TLS: a PEM bundle of the CA(s) that issue agents' client certificates. Set, every
     * gRPC call needs a client certificate from one of them (and, unless the binding is
     * {@code certificate}, an API key).
     */
    @JsonProperty public String clientCaFile;
    /** Serial numbers (hex, as {@code openssl x509 -serial} prints them) of client certificates no longer accepted. */
    @JsonProperty public java.util.List<String> revokedClientSerials = new java.util.ArrayList<>();
    /**
     * {@code key}: certificate and API key together; {@code pools}: in addition, the certificate's
     * URI names {@code flowplane:pool:NAME} must cover every pool of the API key
     * ({@code flowplane:pool:*} covers a key for all pools); {@code certificate}: the certificate
     * alone, no API key: the caller is an agent for the pools its URI names (a certificate naming
     * none is refused). Needs {@code clientCaFile}.
     */
    @JsonProperty public String clientCertBinding = "key";
    /** The longest a PollWork call is held when nothing is due (under proxy idle timeouts). */
    @NotNull @JsonProperty public Duration maxPollWait = Duration.seconds(25);
    @Min(1) @JsonProperty public int maxInboundMessageBytes = 16 * 1024 * 1024;
}
