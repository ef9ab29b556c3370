package io.flowplane.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.flowplane.controlplane.common.FieldError;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Jackson's errors in user words: "must be an array of strings" for the field's JSON path, never
 * Jackson's own text, which names Java types ({@code java.util.ArrayList<java.lang.String>},
 * {@code JsonToken.START_ARRAY}) the caller has never heard of.
 */
final class JsonErrors {
    private JsonErrors() {
    }

    /** What a problem document says about a body Jackson refused. */
    record Described(String field, String message) {
        String detail() {
            return field == null ? message : field + ": " + message;
        }

        List<FieldError> errors() {
            return field == null ? List.of() : List.of(new FieldError(field, message));
        }
    }

    static Described describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return new Described(path(m), fieldMessage(m));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new Described("body", "the body must be " + words(m.getTargetType(), null));
        }
        return new Described(null, malformed(e));
    }

    private static String fieldMessage(JsonMappingException m) {
        InputCoercionException range = cause(m, InputCoercionException.class);
        if (range != null) {
            return "must be " + range(range.getTargetType());
        }
        if (m instanceof UnrecognizedPropertyException u) {
            return "unknown field; known fields: " + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
        }
        Type declared = declaredType(m.getPath());
        if (m instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return "'" + f.getValue() + "' is not one of " + Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(Object::toString).collect(Collectors.joining(", "));
        }
        if (m instanceof InvalidFormatException f && f.getValue() instanceof String s) {
            return "'" + abbreviate(s) + "' is not " + words(f.getTargetType(), declared);
        }
        if (m instanceof MismatchedInputException mi && (mi.getTargetType() != null || declared != null)) {
            return "must be " + words(mi.getTargetType(), declared);
        }
        if (m instanceof ValueInstantiationException) {
            return "invalid value";
        }
        return declared == null ? "invalid value" : "must be " + words(null, declared);
    }

    /** Jackson's parse errors say where and what in plain words; only the Java parts are cut. */
    private static String malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr();
        if (e instanceof StreamConstraintsException) {
            return "malformed JSON" + where + ": the document is nested too deeply or a value is too long";
        }
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\n")[0];
        reason = reason.replace("(JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                        "a JSON value (a string, number, array, object, null, true or false)")
                .replaceAll("\\s*\\([^()]*`[^`]*`[^()]*\\)", "")   // "(... `StreamReadFeature...` ...)"
                .replaceAll("\\s*\\(start marker at \\[.*", "")
                .replaceAll("`[^`]*`", "a value")
                .replaceAll("JsonToken\\.\\w+", "a token")
                .trim();
        return "malformed JSON" + where + (reason.isEmpty() ? "" : ": " + reason);
    }

    private static String path(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /**
     * The declared generic type of the last named member on the path, when the error is about the
     * member itself (not an element inside it): Jackson's target type has lost the element type.
     */
    private static Type declaredType(List<JsonMappingException.Reference> path) {
        JsonMappingException.Reference last = path.get(path.size() - 1);
        if (last.getFieldName() == null || last.getFrom() == null) {
            return null;
        }
        Class<?> owner = last.getFrom() instanceof Class<?> c ? c : last.getFrom().getClass();
        if (owner.isRecord()) {
            for (RecordComponent rc : owner.getRecordComponents()) {
                if (rc.getName().equals(last.getFieldName())) {
                    return rc.getGenericType();
                }
            }
        }
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(last.getFieldName())) {
                    return f.getGenericType();
                }
            }
        }
        return null;
    }

    /** "an array of strings", "an integer", ...: what a value of this type looks like in JSON. */
    static String words(Class<?> target, Type declared) {
        Type type = declared != null ? declared : target;
        Class<?> raw = raw(type);
        if (raw == null) {
            return "a valid value";
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            Type element = raw.isArray() ? raw.getComponentType() : argument(type, 0);
            return element == null ? "an array" : "an array of " + plural(raw(element));
        }
        if (Map.class.isAssignableFrom(raw)) {
            Type value = argument(type, 1);
            return value == null ? "an object" : "an object whose values are " + plural(raw(value));
        }
        return singular(raw);
    }

    private static String singular(Class<?> raw) {
        if (raw == String.class || raw == char.class || raw == Character.class) {
            return "a string";
        }
        if (isInteger(raw)) {
            return "an integer";
        }
        if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class
                || raw == BigDecimal.class || raw == Number.class) {
            return "a number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            return "a timestamp with an offset, such as 2026-03-01T10:00:00Z";
        }
        if (raw == UUID.class) {
            return "a UUID";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
        if (JsonNode.class.isAssignableFrom(raw) && !raw.getSimpleName().contains("Object")) {
            return "a JSON value";
        }
        return "an object";
    }

    private static String plural(Class<?> raw) {
        if (raw == null) {
            return "values";
        }
        String one = singular(raw);
        return switch (one) {
            case "a string" -> "strings";
            case "an integer" -> "integers";
            case "a number" -> "numbers";
            case "true or false" -> "true or false values";
            case "a UUID" -> "UUIDs";
            case "an object" -> "objects";
            case "a JSON value" -> "JSON values";
            default -> one.startsWith("a timestamp") ? "timestamps" : "values that are " + one;
        };
    }

    private static boolean isInteger(Class<?> raw) {
        return raw == int.class || raw == long.class || raw == short.class || raw == byte.class
                || raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class
                || raw == BigInteger.class;
    }

    private static String range(Class<?> target) {
        if (target == int.class || target == Integer.class) {
            return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (target == long.class || target == Long.class) {
            return "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        }
        return target == null ? "a smaller number" : "a smaller " + singular(target).replaceFirst("^an? ", "");
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        return null;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : null;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
