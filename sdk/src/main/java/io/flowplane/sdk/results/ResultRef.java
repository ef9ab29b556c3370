package io.flowplane.sdk.results;

/** Where a result lives on the customer's side and the hash of its bytes ("sha256:…"): all the control plane sees. */
public record ResultRef(String uri, String hash) {
}
