package io.flowplane.cli.client;

import io.flowplane.cli.CliException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetTest {
    @TempDir
    Path dir;

    private Profiles profiles() {
        return new Profiles(dir.resolve("config.json"));
    }

    @Test
    void flagBeatsEnvironmentBeatsProfileBeatsDefault() {
        Profiles p = profiles();
        ClientOptions none = new ClientOptions();
        assertThat(Target.resolve(none, Map.of(), p)).isEqualTo(new Target("http://localhost:8080", ""));

        p.save("dev", new Profiles.Profile("http://127.0.0.1:9999", "fp_profile"));
        assertThat(Target.resolve(none, Map.of(), p)).isEqualTo(new Target("http://127.0.0.1:9999", "fp_profile"));

        Map<String, String> env = Map.of("FLOWPLANE_URL", "http://env:1", "FLOWPLANE_API_KEY", "fp_env");
        assertThat(Target.resolve(none, env, p)).isEqualTo(new Target("http://env:1", "fp_env"));

        ClientOptions flags = new ClientOptions();
        flags.url = "http://flag:2/";
        flags.apiKey = "fp_flag";
        assertThat(Target.resolve(flags, env, p)).isEqualTo(new Target("http://flag:2", "fp_flag"));
    }

    @Test
    void aProfileKeyIsNeverSentToAnotherUrl() {
        Profiles p = profiles();
        p.save("dev", new Profiles.Profile("http://127.0.0.1:9999", "fp_profile"));
        ClientOptions o = new ClientOptions();
        o.url = "http://elsewhere:8080";
        assertThat(Target.resolve(o, Map.of(), p).apiKey()).isEmpty();
        o.url = "http://127.0.0.1:9999/api/v1/";
        assertThat(Target.resolve(o, Map.of(), p).apiKey()).isEqualTo("fp_profile");
    }

    @Test
    void namedProfilesAndTheActiveOne() throws Exception {
        Profiles p = profiles();
        p.save("a", new Profiles.Profile("http://a:1", "fp_a"));
        p.save("b", new Profiles.Profile("http://b:1", "fp_b"));
        assertThat(Target.resolve(new ClientOptions(), Map.of(), p).url()).isEqualTo("http://b:1");
        assertThat(Target.resolve(new ClientOptions(), Map.of("FLOWPLANE_PROFILE", "a"), p).url()).isEqualTo("http://a:1");
        ClientOptions o = new ClientOptions();
        o.profile = "nope";
        assertThatThrownBy(() -> Target.resolve(o, Map.of(), p)).isInstanceOf(CliException.class)
                .hasMessageContaining("no profile named 'nope'");
        assertThat(Files.getPosixFilePermissions(p.path())).hasSize(2);
    }

    @Test
    void badUrlsAreOneLineErrors() {
        ClientOptions o = new ClientOptions();
        o.url = "localhost:8080";
        assertThatThrownBy(() -> Target.resolve(o, Map.of(), profiles())).isInstanceOf(CliException.class)
                .hasMessageContaining("invalid control plane URL 'localhost:8080'");
    }
}
