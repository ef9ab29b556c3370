package io.flowplane.agent.secrets;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedactorTest {
    private static final String SECRET = "s3cr3t/Val+ue&\"<x>'~ü";
    private final Redactor redactor = new Redactor(List.of(SECRET, "another-secret-42"));

    @Test
    void masksTheValueAndItsUsualEncodings() {
        byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);
        List<String> forms = List.of(SECRET,
                URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
                lowerEscapes(URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20")),
                "s3cr3t/Val+ue&\\\"<x>'~ü", // JSON string body
                "s3cr3t\\/Val+ue&\\\"<x>'~\\u00fc", // JSON with / and non-ASCII escaped
                "s3cr3t/Val+ue&amp;&quot;&lt;x&gt;&apos;~ü",
                "s3cr3t/Val+ue&amp;&quot;&lt;x&gt;&#39;~ü",
                HexFormat.of().formatHex(bytes), HexFormat.of().withUpperCase().formatHex(bytes),
                Base64.getEncoder().encodeToString(bytes), Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        for (String form : forms) {
            assertThat(redactor.redact("before " + form + " after")).as(form).isEqualTo("before [redacted] after");
        }
    }

    private static String lowerEscapes(String s) {
        return java.util.regex.Pattern.compile("%[0-9A-F]{2}").matcher(s).replaceAll(m -> m.group().toLowerCase());
    }

    @Test
    void masksBase64OfALongerBlobAtEachAlignment() {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        for (int before = 0; before < 6; before++) {
            for (int after = 0; after < 4; after++) {
                byte[] blob = new byte[before + secret.length + after];
                for (int i = 0; i < blob.length; i++) {
                    blob[i] = (byte) (0x41 + i * 7);
                }
                System.arraycopy(secret, 0, blob, before, secret.length);
                for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder(),
                        Base64.getEncoder().withoutPadding(), Base64.getUrlEncoder().withoutPadding())) {
                    String encoded = enc.encodeToString(blob);
                    String out = redactor.redact("token " + encoded);
                    String core = secretOnlyCharacters(encoded, before, secret.length);
                    assertThat(out).as("%d+%d in %s", before, after, encoded).contains(Redactor.MARKER);
                    for (int i = 0; i + 3 <= core.length(); i++) {
                        assertThat(out).doesNotContain(core.substring(i, i + 3));
                    }
                }
            }
        }
    }

    /** The characters of a base64 text whose 6 bits all come from bytes [from, from + length). */
    private static String secretOnlyCharacters(String encoded, int from, int length) {
        StringBuilder out = new StringBuilder();
        for (int j = 0; j < encoded.length() && encoded.charAt(j) != '='; j++) {
            if (6 * j >= 8 * from && 6 * j + 6 <= 8 * (from + length)) {
                out.append(encoded.charAt(j));
            }
        }
        return out.toString();
    }

    @Test
    void masksInsideLongerTokensAndMergesNeighbours() {
        assertThat(redactor.redact("Bearer xx" + SECRET + "yy")).isEqualTo("Bearer xx[redacted]yy");
        assertThat(redactor.redact(SECRET + SECRET + " another-secret-42")).isEqualTo("[redacted] [redacted]");
        assertThat(redactor.redact("nothing secret here: s3cr3t/Val")).isEqualTo("nothing secret here: s3cr3t/Val");
    }

    @Test
    void aLineWithTheValueSplitByAnEscapeIsReplacedWhole() {
        String value = "another-secret-42";
        assertThat(redactor.redact("x=another-\u001b[1msecret-42")).isEqualTo(Redactor.LINE_MARKER);
        assertThat(redactor.redact("{\"k\":\"another\\u002dsecret-42\"}")).isEqualTo(Redactor.LINE_MARKER);
        assertThat(redactor.redact("q=another%2Dsecret-42")).isEqualTo(Redactor.LINE_MARKER);
        assertThat(redactor.redact("<a>another&#45;secret-42</a>")).isEqualTo(Redactor.LINE_MARKER);
        // Escapes that hide nothing keep the line as it is.
        assertThat(redactor.redact("path=a%20b \\n &amp; " + value.substring(3))).isEqualTo("path=a%20b \\n &amp; " + value.substring(3));
    }

    @Test
    void aSecretShorterThanTheMinimumIsRefusedAtResolution() throws Exception {
        SecretResolver resolver = new SecretResolver(List.of(name -> Optional.ofNullable(
                Map.of("short", "abc1234", "long", "abcd1234").get(name))));
        Set<String> used = new HashSet<>();
        assertThat(resolver.resolve("${secret:long}", used)).isEqualTo("abcd1234");
        assertThatThrownBy(() -> resolver.resolve("x ${secret:short}", used))
                .isInstanceOf(SecretResolver.MissingSecretException.class)
                .hasMessage("secret 'short' is 7 characters long; secrets shorter than 8 characters are refused, because "
                        + "the agent could not mask them in logs without hiding ordinary text (use a longer value)");
        assertThat(used).containsExactly("abcd1234");
    }

    @Test
    void findsEveryOccurrenceInOnePassWithManyPatterns() {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            secrets.add("secret-number-" + i + "-x");
        }
        Redactor many = new Redactor(secrets);
        StringBuilder line = new StringBuilder();
        for (int i = 49; i >= 0; i--) {
            line.append(i).append(':').append(secrets.get(i)).append(' ');
        }
        String out = many.redact(line.toString());
        assertThat(out).doesNotContain("secret-number").startsWith("49:[redacted] 48:[redacted] ").endsWith(" 0:[redacted] ");
    }
}
