package io.flowplane.controlplane.specs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowplane.controlplane.common.Validator;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the agent gets a deployment's code: a git repository and ref, or one artifact file with its
 * sha256. Only this description is stored; the agent fetches the bytes inside the customer's
 * network. {@code credentials} is a secret <em>reference</em> ({@code ${secret:NAME}}) the agent
 * resolves, so neither the URL nor this record ever carries a credential.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSpec(Git git, Artifact artifact, String credentials) {
    private static final Pattern SECRET_REFERENCE = Pattern.compile("\\$\\{secret:[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** A branch, tag or commit: what `git fetch` takes, never an option. */
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/][A-Za-z0-9._/+@-]{0,254}");
    /** scp-like ssh address: user@host:path. */
    private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+");
    private static final Set<String> GIT_SCHEMES = Set.of("https", "http", "ssh", "git", "file");
    private static final Set<String> ARTIFACT_SCHEMES = Set.of("https", "http", "file");
    public static final String DEFAULT_REF = "HEAD";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Git(String url, String ref) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String url, String sha256) {
    }

    /** Defaults filled in (ref HEAD: the repository's default branch), the hash in lower case. */
    public SourceSpec normalized() {
        Git g = git == null ? null : new Git(git.url(), git.ref() == null || git.ref().isBlank() ? DEFAULT_REF : git.ref());
        Artifact a = artifact == null ? null
                : new Artifact(artifact.url(), artifact.sha256() == null ? null : artifact.sha256().toLowerCase(Locale.ROOT));
        return new SourceSpec(g, a, credentials == null || credentials.isBlank() ? null : credentials);
    }

    void validate(Validator v) {
        if ((git == null) == (artifact == null)) {
            v.add("source", "must name exactly one of git (url, ref) or artifact (url, sha256)");
            return;
        }
        if (git != null) {
            validateGit(v);
        } else {
            validateArtifact(v);
        }
        v.check(credentials == null || credentials.isBlank() || SECRET_REFERENCE.matcher(credentials).matches(),
                "source.credentials", "must be a secret reference such as ${secret:git_auth}, resolved by the agent; "
                        + "the control plane never stores a credential");
    }

    private void validateGit(Validator v) {
        String url = git.url();
        if (url == null || url.isBlank()) {
            v.add("source.git.url", "is required");
        } else if (!SCP_LIKE.matcher(url).matches() && !url.startsWith("/")) {
            checkUri(v, "source.git.url", url, GIT_SCHEMES);
        }
        v.check(git.ref() == null || git.ref().isBlank() || (REF.matcher(git.ref()).matches() && !git.ref().contains("..")),
                "source.git.ref", "must be a branch, tag or commit id (letters, digits, . _ / + @ -, not starting with -)");
    }

    private void validateArtifact(Validator v) {
        String url = artifact.url();
        if (url == null || url.isBlank()) {
            v.add("source.artifact.url", "is required");
        } else if (!url.startsWith("/")) {
            checkUri(v, "source.artifact.url", url, ARTIFACT_SCHEMES);
        }
        String hash = artifact.sha256();
        if (hash == null || hash.isBlank()) {
            v.add("source.artifact.sha256", "is required: the agent refuses an artifact it cannot verify");
        } else {
            v.check(SHA256.matcher(hash.toLowerCase(Locale.ROOT)).matches(), "source.artifact.sha256",
                    "must be 64 hexadecimal characters (the SHA-256 of the file)");
        }
    }

    private static void checkUri(Validator v, String field, String url, Set<String> schemes) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            v.add(field, "is not a valid URL or absolute path");
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            v.add(field, "must be an absolute path or a " + String.join(", ", schemes.stream().sorted().toList()) + " URL");
            return;
        }
        boolean ssh = scheme.equals("ssh") || scheme.equals("git");
        String userInfo = uri.getRawUserInfo();
        // A user name alone is how ssh addresses work; anything that may hold a secret is refused.
        v.check(userInfo == null || (ssh && !userInfo.contains(":")), field,
                "must not contain credentials: put them in a secret the agent knows and name it in source.credentials");
    }
}
