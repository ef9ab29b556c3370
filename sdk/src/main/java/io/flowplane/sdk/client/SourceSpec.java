package io.flowplane.sdk.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the agent fetches a deployment's code, inside your network (docs/code-delivery.md): a git
 * repository and ref, or one artifact file with its SHA-256. {@code credentials} is a secret
 * reference such as {@code ${secret:git_auth}} that only the agent resolves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceSpec(Git git, Artifact artifact, String credentials) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Git(String url, String ref) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String url, String sha256) {
    }

    /** A branch, tag or commit of a repository the agent's machine can reach with {@code git}. */
    public static SourceSpec git(String url, String ref) {
        return new SourceSpec(new Git(url, ref), null, null);
    }

    /** A file (absolute path, file:, http: or https: URL) the agent refuses unless its SHA-256 is {@code sha256}. */
    public static SourceSpec artifact(String url, String sha256) {
        return new SourceSpec(null, new Artifact(url, sha256), null);
    }

    /** The same source, authenticated with the "user:password" the agent finds under {@code secretReference}. */
    public SourceSpec withCredentials(String secretReference) {
        return new SourceSpec(git, artifact, secretReference);
    }
}
