package io.flowplane.controlplane.cluster;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The text of one NOTIFY payload: the sending replica's id, then signals separated by ';' —
 * {@code p<pool id>}, {@code r<run id>}, {@code c<run id>/<agent id>}, {@code e<nil uuid>} (events
 * were written; the nil id keeps every item the same shape). PostgreSQL caps a payload
 * below 8,000 bytes, so {@link #encode} splits a burst into as many payloads as it needs.
 */
final class SignalCodec {
    /** Below PostgreSQL's 8,000-byte limit, with room for the origin prefix. */
    static final int MAX_PAYLOAD = 7_800;

    /** One signal as it travels. */
    record Item(char kind, UUID id, String agentId) {
        static final Item EVENTS = new Item('e', new UUID(0, 0), null);

        String text() {
            // Agent ids are the agent's own choice: encoded, so a ';' in one cannot split a payload.
            return kind + id.toString() + (agentId == null ? "" : "/" + URLEncoder.encode(agentId, StandardCharsets.UTF_8));
        }

        static Item pool(UUID id) {
            return new Item('p', id, null);
        }

        static Item run(UUID id) {
            return new Item('r', id, null);
        }

        static Item cancel(UUID runId, String agentId) {
            return new Item('c', runId, agentId);
        }
    }

    /** What one payload carried. */
    record Decoded(String origin, List<Item> items) {
    }

    private SignalCodec() {
    }

    static List<String> encode(String origin, Collection<Item> items) {
        List<String> payloads = new ArrayList<>();
        StringBuilder current = new StringBuilder(origin).append('|');
        int empty = current.length();
        for (Item item : items) {
            String text = item.text();
            if (current.length() + text.length() + 1 > MAX_PAYLOAD && current.length() > empty) {
                payloads.add(current.toString());
                current.setLength(empty);
            }
            if (current.length() > empty) {
                current.append(';');
            }
            current.append(text);
        }
        if (current.length() > empty) {
            payloads.add(current.toString());
        }
        return payloads;
    }

    /** @throws IllegalArgumentException on a payload this code did not write */
    static Decoded decode(String payload) {
        int bar = payload.indexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("not a flowplane signal payload");
        }
        List<Item> items = new ArrayList<>();
        for (String part : payload.substring(bar + 1).split(";")) {
            if (part.length() < 37) {
                throw new IllegalArgumentException("malformed signal '" + part + "'");
            }
            UUID id = UUID.fromString(part.substring(1, 37));
            String agent = part.length() > 38 && part.charAt(37) == '/'
                    ? URLDecoder.decode(part.substring(38), StandardCharsets.UTF_8) : null;
            items.add(new Item(part.charAt(0), id, agent));
        }
        return new Decoded(payload.substring(0, bar), items);
    }
}
