package io.flowplane.agent.secrets;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces {@code ${secret:NAME}} references with values from the providers, first match wins. */
public final class SecretResolver {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");

    /** A reference no provider could resolve, or to a value too short to mask; the run fails before its process starts. */
    public static class MissingSecretException extends Exception {
        public MissingSecretException(String message) {
            super(message);
        }
    }

    /** A reference resolved to a value shorter than the minimum: refused wherever it would be used. */
    public static final class TooShortSecretException extends MissingSecretException {
        public TooShortSecretException(String message) {
            super(message);
        }
    }

    /** Each {@code ${secret:NAME}} reference in {@code value}, as written. */
    public static java.util.List<String> references(String value) {
        return REFERENCE.matcher(value).results().map(java.util.regex.MatchResult::group).toList();
    }

    /**
     * Values shorter than this are refused: masking a two-letter value would shred every log line
     * that happens to contain those letters, and a short value is guessable anyway.
     */
    public static final int DEFAULT_MIN_LENGTH = 8;

    private final List<SecretProvider> providers;
    private final int minLength;

    public SecretResolver(List<SecretProvider> providers) {
        this(providers, DEFAULT_MIN_LENGTH);
    }

    public SecretResolver(List<SecretProvider> providers, int minLength) {
        this.providers = List.copyOf(providers);
        this.minLength = minLength;
    }

    static boolean isValidName(String name) {
        return NAME.matcher(name).matches() && !name.contains("..");
    }

    /** {@code value} with its references resolved; every value used is added to {@code used}. */
    public String resolve(String value, Set<String> used) throws MissingSecretException {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!isValidName(name)) {
                throw new MissingSecretException("invalid secret reference '${secret:" + name + "}'");
            }
            String secret = lookup(name).orElseThrow(() -> new MissingSecretException(
                    "secret '" + name + "' is not known to this agent (environment or secrets directory)"));
            if (secret.length() < minLength) {
                throw new TooShortSecretException("secret '" + name + "' is " + secret.length()
                        + " characters long; secrets shorter than " + minLength + " characters are refused, because "
                        + "the agent could not mask them in logs without hiding ordinary text (use a longer value)");
            }
            used.add(secret);
            m.appendReplacement(out, Matcher.quoteReplacement(secret));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Optional<String> lookup(String name) {
        for (SecretProvider p : providers) {
            Optional<String> v = p.get(name);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
