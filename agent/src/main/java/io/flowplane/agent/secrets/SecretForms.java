package io.flowplane.agent.secrets;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The ways a secret value usually shows up in output besides as itself: base64 (standard and
 * URL-safe, at each of the three byte alignments it can have inside a longer encoded blob, with and
 * without padding), URL-encoded, JSON- and XML-escaped, hex in both cases. Computed once per secret.
 */
final class SecretForms {
    private SecretForms() {
    }

    static Set<String> of(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder alphabet : new Base64.Encoder[]{Base64.getEncoder(), Base64.getUrlEncoder()}) {
            for (int offset = 0; offset < 3; offset++) {
                base64(alphabet, bytes, offset, forms);
            }
        }
        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(form);
        forms.add(form.replace("+", "%20"));
        forms.add(lowerEscapes(form));
        forms.add(lowerEscapes(form.replace("+", "%20")));
        forms.add(json(secret, false));
        forms.add(json(secret, true));
        forms.add(xml(secret, "&apos;"));
        forms.add(xml(secret, "&#39;"));
        forms.add(HexFormat.of().formatHex(bytes));
        forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
        return forms;
    }

    /**
     * The secret's bytes encoded after {@code offset} unknown bytes: the characters that depend on
     * neighbouring bytes are left out (the form seen in the middle of a blob), and the secret as the
     * blob's end is added with and without its padding.
     */
    private static void base64(Base64.Encoder alphabet, byte[] secret, int offset, Set<String> forms) {
        byte[] shifted = new byte[offset + secret.length];
        System.arraycopy(secret, 0, shifted, offset, secret.length);
        String padded = alphabet.encodeToString(shifted);
        String unpadded = padded.replace("=", "");
        // 1 unknown byte leading: the first 2 characters involve it; 2 unknown bytes: the first 3.
        int skip = offset == 0 ? 0 : offset + 1;
        int tail = shifted.length % 3; // bytes in the last, partial group
        int core = tail == 0 ? unpadded.length() : unpadded.length() - 1; // its last character mixes in the next byte
        if (core > skip) {
            forms.add(unpadded.substring(skip, core));
        }
        if (unpadded.length() > skip) {
            forms.add(unpadded.substring(skip));
            forms.add(padded.substring(skip));
        }
    }

    private static String lowerEscapes(String urlEncoded) {
        StringBuilder out = new StringBuilder(urlEncoded.length());
        for (int i = 0; i < urlEncoded.length(); i++) {
            char c = urlEncoded.charAt(i);
            if (c == '%' && i + 2 < urlEncoded.length()) {
                out.append('%').append(urlEncoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The value inside a JSON string; {@code ascii}: everything outside printable ASCII as \\uXXXX, and / as \/. */
    private static String json(String s, boolean ascii) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '/' -> out.append(ascii ? "\\/" : "/");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String xml(String s, String apostrophe) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append(apostrophe);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
