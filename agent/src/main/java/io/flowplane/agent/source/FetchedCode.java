package io.flowplane.agent.source;

import java.nio.file.Path;

/**
 * A version of a deployment's code in the agent's cache. {@code version} is what the run records
 * ("git:&lt;commit&gt;" or "sha256:&lt;hex&gt;"); {@code fetched} is false when the cache already held it.
 */
public record FetchedCode(Path dir, String version, boolean fetched) {
}
