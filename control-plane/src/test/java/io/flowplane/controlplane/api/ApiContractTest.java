package io.flowplane.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.testing.ApiContract;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The response check the end-to-end suites run on every answer: a real answer passes against
 * openapi.yaml, and the same answer fails once the document's schema is deliberately wrong, or
 * when the status or operation is not documented.
 */
class ApiContractTest {
    private static final String PAGE = """
            {"items":[],"nextCursor":null}""";
    private static final String PROBLEM = """
            {"type":"about:blank","title":"Unauthorized","status":401,"detail":"missing API key","errors":[]}""";

    @Test
    void aMatchingAnswerPasses() {
        assertThat(ApiContract.SERVED.check("GET", "/api/v1/flow-runs?limit=5", 200, "application/json", PAGE)).isEmpty();
        assertThat(ApiContract.SERVED.check("GET", "/api/v1/audit-events", 200, "application/json", PAGE)).isEmpty();
    }

    @Test
    void aDeliberatelyWrongSchemaFails() {
        JsonNode doc = ApiContract.load();
        ((ObjectNode) doc.at("/components/schemas/RunPage/properties/items")).put("type", "string");
        ApiContract wrong = new ApiContract(doc);

        assertThat(wrong.check("GET", "/api/v1/flow-runs", 200, "application/json", PAGE))
                .singleElement().asString().contains("GET /api/v1/flow-runs → 200", "items", "string");
        assertThatThrownBy(() -> wrong.assertMatches("GET", "/api/v1/flow-runs", 200, "application/json", PAGE))
                .isInstanceOf(AssertionError.class).hasMessageContaining("does not match openapi.yaml");
    }

    @Test
    void undocumentedStatusesFieldsAndOperationsFail() {
        assertThat(ApiContract.SERVED.check("GET", "/api/v1/flow-runs", 418, "application/json", PAGE))
                .singleElement().asString().contains("status 418 is not documented");
        assertThat(ApiContract.SERVED.check("PUT", "/api/v1/audit-events", 200, "application/json", PAGE))
                .singleElement().asString().contains("is not documented");
        assertThat(ApiContract.SERVED.check("GET", "/api/v1/flow-runs", 200, "application/json", "{\"items\":[]}"))
                .singleElement().asString().contains("nextCursor");
        assertThat(ApiContract.SERVED.check("GET", "/api/v1/flow-runs", 401, "application/problem+json", PROBLEM))
                .isEmpty();
    }
}
