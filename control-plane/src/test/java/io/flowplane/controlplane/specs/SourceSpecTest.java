package io.flowplane.controlplane.specs;

import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.common.Validator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a deployment's source may be: only descriptions the agent can fetch, and never a credential. */
class SourceSpecTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void acceptsTheUsualGitAddressesAndArtifacts() {
        for (String url : List.of("https://git.example.com/data/flows.git", "ssh://git@git.example.com/data/flows.git",
                "git@git.example.com:data/flows.git", "file:///srv/git/flows.git", "/srv/git/flows.git")) {
            assertThat(errors(git(url, "main"))).as(url).isEmpty();
        }
        assertThat(errors(git("https://git.example.com/f.git", "v1.2.0"))).isEmpty();
        assertThat(errors(git("https://git.example.com/f.git", "a".repeat(40)))).isEmpty();
        assertThat(errors(git("https://git.example.com/f.git", null))).isEmpty();
        assertThat(git("https://git.example.com/f.git", null).normalized().git().ref()).isEqualTo("HEAD");
        for (String url : List.of("https://artifacts.example.com/flows.jar", "http://10.0.0.5/flows.jar",
                "file:///opt/flows.jar", "/opt/flows.jar")) {
            assertThat(errors(artifact(url, SHA))).as(url).isEmpty();
        }
        assertThat(artifact("/opt/f.jar", SHA.toUpperCase()).normalized().artifact().sha256()).isEqualTo(SHA);
        assertThat(errors(new SourceSpec(new SourceSpec.Git("https://g.example/f.git", "main"), null,
                "${secret:git_auth}"))).isEmpty();
    }

    @Test
    void refusesCredentialsInTheUrlOrAsAValue() {
        assertThat(errors(git("https://me:hunter2@git.example.com/f.git", "main")))
                .containsExactly("source.git.url: must not contain credentials: put them in a secret the agent knows "
                        + "and name it in source.credentials");
        assertThat(errors(git("https://token@git.example.com/f.git", "main"))).hasSize(1);
        assertThat(errors(git("ssh://git:pw@git.example.com/f.git", "main"))).hasSize(1);
        assertThat(errors(artifact("https://u:p@a.example/f.jar", SHA))).singleElement().asString()
                .startsWith("source.artifact.url: must not contain credentials");
        assertThat(errors(new SourceSpec(new SourceSpec.Git("https://g.example/f.git", "main"), null, "me:hunter2")))
                .singleElement().asString().startsWith("source.credentials: must be a secret reference");
    }

    @Test
    void refusesWhatTheAgentCouldNotFetchOrVerify() {
        assertThat(errors(new SourceSpec(null, null, null))).containsExactly(
                "source: must name exactly one of git (url, ref) or artifact (url, sha256)");
        assertThat(errors(new SourceSpec(new SourceSpec.Git("https://g.example/f.git", null),
                new SourceSpec.Artifact("/opt/f.jar", SHA), null))).hasSize(1);
        assertThat(errors(git(null, "main"))).containsExactly("source.git.url: is required");
        assertThat(errors(git("ftp://g.example/f.git", "main"))).singleElement().asString()
                .startsWith("source.git.url: must be an absolute path or a");
        assertThat(errors(git("https://g.example/f.git", "--upload-pack=evil"))).singleElement().asString()
                .startsWith("source.git.ref:");
        assertThat(errors(git("https://g.example/f.git", "a..b"))).hasSize(1);
        assertThat(errors(artifact("target/flows.jar", SHA))).singleElement().asString()
                .startsWith("source.artifact.url: must be an absolute path or a");
        assertThat(errors(artifact("/opt/f.jar", null))).containsExactly(
                "source.artifact.sha256: is required: the agent refuses an artifact it cannot verify");
        assertThat(errors(artifact("/opt/f.jar", "abc"))).containsExactly(
                "source.artifact.sha256: must be 64 hexadecimal characters (the SHA-256 of the file)");
    }

    private static SourceSpec git(String url, String ref) {
        return new SourceSpec(new SourceSpec.Git(url, ref), null, null);
    }

    private static SourceSpec artifact(String url, String sha) {
        return new SourceSpec(null, new SourceSpec.Artifact(url, sha), null);
    }

    private static List<String> errors(SourceSpec s) {
        Validator v = new Validator();
        s.validate(v);
        try {
            v.throwIfInvalid();
            return List.of();
        } catch (ValidationException e) {
            return e.errors().stream().map(f -> f.field() + ": " + f.message()).toList();
        }
    }
}
