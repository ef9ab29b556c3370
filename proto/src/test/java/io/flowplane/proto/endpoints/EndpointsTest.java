package io.flowplane.proto.endpoints;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointsTest {

    @Test
    void aListKeepsItsOrderAndFillsInTheDefaultPort() {
        Endpoints e = Endpoints.parse(" cp-a:9191, cp-b ,grpc://10.0.0.3:7000", "FLOWPLANE_GRPC_TARGET", false, 9090);
        assertThat(e.all()).containsExactly(new Endpoints.Endpoint("cp-a", 9191, false),
                new Endpoints.Endpoint("cp-b", 9090, false), new Endpoints.Endpoint("10.0.0.3", 7000, false));
        assertThat(e.grpcTarget()).isEqualTo("flowplane-endpoints:///cp-a:9191,cp-b:9090,10.0.0.3:7000");
    }

    @Test
    void oneEndpointIsItsOwnTargetAndSchemesSetTls() {
        Endpoints e = Endpoints.parse("https://cp.example.com:8443", "FLOWPLANE_URL", false, 8080);
        assertThat(e.grpcTarget()).isEqualTo("cp.example.com:8443");
        assertThat(e.tls()).isTrue();
        assertThat(e.first().httpUrl()).isEqualTo("https://cp.example.com:8443");
        assertThat(Endpoints.parse("http://[::1]:8080/", "FLOWPLANE_URL", false, 80).first().hostPort())
                .isEqualTo("[::1]:8080");
    }

    @Test
    void badListsNameTheSettingAndTheEntry() {
        List.of(
                List.of("", "FLOWPLANE_URL is empty"),
                List.of("a:1,,b:2", "FLOWPLANE_URL 'a:1,,b:2': entry 2 is empty"),
                List.of("a:1,", "FLOWPLANE_URL 'a:1,': entry 2 is empty"),
                List.of("a:1,b:port", "FLOWPLANE_URL 'a:1,b:port': entry 2 ('b:port') is not host:port"),
                List.of("a:99999", "entry 1 ('a:99999') has port 99999"),
                List.of("a b:1", "entry 1 ('a b:1') is not host:port"),
                List.of("ftp://a:1", "has scheme 'ftp'"),
                List.of("http://a:1/api", "has a path"),
                List.of("http://a:1,https://b:1", "FLOWPLANE_URL 'http://a:1,https://b:1' mixes TLS and plaintext"))
                .forEach(c -> assertThatThrownBy(() -> Endpoints.parse(c.get(0), "FLOWPLANE_URL", false, 8080))
                        .as(c.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.get(1)));
    }

    @Test
    void withTlsEveryEntryIsTls() {
        Endpoints e = Endpoints.parse("a:1,grpc://b:2", "url", true, 9090);
        assertThat(e.all()).allMatch(Endpoints.Endpoint::tls);
    }

    @Test
    void restUrlsKeepTheirPathAndNeedHttp() {
        assertThat(Endpoints.parseUrls("http://a:8080, https://b/flowplane", "FLOWPLANE_URL"))
                .containsExactly(java.net.URI.create("http://a:8080"), java.net.URI.create("https://b/flowplane"));
        List.of(
                List.of("a:8080", "FLOWPLANE_URL 'a:8080': entry 1 ('a:8080') has no scheme"),
                List.of("http://a:8080,grpc://b:9090", "entry 2 ('grpc://b:9090') has scheme 'grpc'; use http or https"),
                List.of("http://a:8080,http://b:x", "entry 2 ('http://b:x') is not host:port"),
                List.of(" , http://a", "entry 1 is empty"))
                .forEach(c -> assertThatThrownBy(() -> Endpoints.parseUrls(c.get(0), "FLOWPLANE_URL"))
                        .as(c.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.get(1)));
    }
}
