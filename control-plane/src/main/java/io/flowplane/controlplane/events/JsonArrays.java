package io.flowplane.controlplane.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.List;

/** Small JSON helper for string lists stored in VARCHAR columns. */
final class JsonArrays {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonArrays() {
    }

    static String of(List<String> values) {
        try {
            return MAPPER.writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
