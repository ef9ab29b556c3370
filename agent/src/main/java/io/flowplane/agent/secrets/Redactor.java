package io.flowplane.agent.secrets;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Replaces the secret values resolved for a run with a marker, longest first. */
public final class Redactor {
    public static final String MARKER = "[redacted]";
    public static final Redactor NONE = new Redactor(List.of());

    private final List<String> values;

    public Redactor(Collection<String> values) {
        // Longest first: a secret that contains another is replaced whole.
        this.values = values.stream().filter(v -> !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String redact(String text) {
        if (text == null || text.isEmpty() || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MARKER);
            }
        }
        return out;
    }
}
