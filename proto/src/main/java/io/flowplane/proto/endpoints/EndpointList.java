package io.flowplane.proto.endpoints;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Several control-plane replicas given as one URL ({@code host1:9090,host2:9090}): a gRPC name
 * resolver for the scheme {@value #SCHEME} that offers every endpoint to the channel, so when the
 * replica in use goes away the channel connects to another (gRPC's pick-first moves down the
 * list) and the calls of the agent or the SDK continue there. Each host is looked up again
 * whenever gRPC asks (after a connection failure), so a name whose addresses change is followed
 * too. Callers get a target for it from {@link Endpoints#grpcTarget()}.
 */
public final class EndpointList extends NameResolverProvider {
    static final String SCHEME = "flowplane-endpoints";
    private static volatile boolean registered;

    /** Registers the resolver once per JVM (gRPC's registry is global). */
    static synchronized void register() {
        if (!registered) {
            NameResolverRegistry.getDefaultRegistry().register(new EndpointList());
            registered = true;
        }
    }

    /** The channel target naming these endpoints, each "host:port". */
    static String target(List<String> hostPorts) {
        return SCHEME + ":///" + String.join(",", hostPorts);
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        List<String> endpoints = List.of(targetUri.getPath().substring(1).split(","));
        return new NameResolver() {
            private Listener2 listener;

            @Override
            public String getServiceAuthority() {
                // TLS checks every replica's certificate against the first name given.
                return endpoints.get(0);
            }

            @Override
            public void start(Listener2 listener) {
                this.listener = listener;
                resolve();
            }

            @Override
            public void refresh() {
                resolve();
            }

            private void resolve() {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                for (String endpoint : endpoints) {
                    int colon = endpoint.lastIndexOf(':');
                    SocketAddress address = new InetSocketAddress(endpoint.substring(0, colon),
                            Integer.parseInt(endpoint.substring(colon + 1)));
                    if (!((InetSocketAddress) address).isUnresolved()) {
                        groups.add(new EquivalentAddressGroup(address));
                    }
                }
                if (groups.isEmpty()) {
                    listener.onError(Status.UNAVAILABLE.withDescription("none of " + endpoints + " resolves"));
                } else {
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
                }
            }

            @Override
            public void shutdown() {
            }
        };
    }
}
