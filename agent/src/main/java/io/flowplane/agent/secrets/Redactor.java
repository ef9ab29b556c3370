package io.flowplane.agent.secrets;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the secret values resolved for a run in text the run reports: each value as itself and in
 * its usual encodings ({@link SecretForms}), found in one pass over the text. A line that still
 * holds a value once its escapes are undone (JSON, URL, XML escapes, terminal colour codes in the
 * middle of the value) is replaced whole: what is left of it could not be told apart from the secret.
 */
public final class Redactor {
    public static final String MARKER = "[redacted]";
    public static final String LINE_MARKER = "[redacted: the line held a secret value in an escaped form]";
    public static final Redactor NONE = new Redactor(List.of());

    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[ -/]*[@-~]");

    private final PatternSet forms;
    private final PatternSet plain;

    public Redactor(Collection<String> values) {
        Set<String> all = new LinkedHashSet<>();
        Set<String> raw = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                raw.add(v);
                all.addAll(SecretForms.of(v));
            }
        }
        this.forms = new PatternSet(all);
        this.plain = new PatternSet(raw);
    }

    public String redact(String text) {
        if (text == null || text.isEmpty() || forms.isEmpty()) {
            return text;
        }
        String out = mask(text);
        if (mayHoldEscapes(out) && !plain.spans(unescape(out)).isEmpty()) {
            return LINE_MARKER;
        }
        return out;
    }

    private String mask(String text) {
        List<int[]> spans = forms.spans(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (int[] span : spans) {
            out.append(text, at, span[0]).append(MARKER);
            at = span[1];
        }
        return out.append(text, at, text.length()).toString();
    }

    private static boolean mayHoldEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '%' || c == '&' || c == '\u001b' || c == '+') {
                return true;
            }
        }
        return false;
    }

    /** The text with the escapes of the forms above undone, each kind where it occurs. */
    static String unescape(String s) {
        String t = ANSI.matcher(s).replaceAll("");
        t = unescapeBackslash(t);
        t = unescapePercent(t);
        return unescapeXml(t);
    }

    private static String unescapeBackslash(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (isHex(s, i + 1, 4)) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append('u');
                    }
                }
                case 'x' -> {
                    if (isHex(s, i + 1, 2)) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        out.append('x');
                    }
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /** %XX as UTF-8 bytes, and + as a space (form encoding); a stray % stays. */
    private static String unescapePercent(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && isHex(s, i + 1, 2)) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
                continue;
            }
            flush(bytes, out);
            out.append(c == '+' ? ' ' : c);
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(java.io.ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});");

    private static String unescapeXml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> {
                    int cp = e.startsWith("#x") ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
                    yield Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : m.group();
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(r));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean isHex(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
