package io.flowplane.controlplane.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Keeps {@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES} working for types with
 * {@code @JsonUnwrapped} members. Jackson (2.21 still) hands every name the outer type does not
 * know to its unwrapped members, which ignore what they do not know either, so a misspelt field
 * would be dropped silently. This checks an object's names against the flat set of properties
 * (the outer type's and, recursively, its unwrapped members') first, and refuses an unknown one
 * with the same exception, path and known-field list Jackson gives a type without unwrapping.
 */
public final class StrictUnwrapping extends SimpleModule {

    public StrictUnwrapping() {
        super("flowplane-strict-unwrapping");
        setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                          JsonDeserializer<?> deserializer) {
                if (!hasUnwrapped(config, description)) {
                    return deserializer;
                }
                return new Checked(deserializer, description.getBeanClass(), flatNames(config, description));
            }
        });
    }

    private static boolean hasUnwrapped(DeserializationConfig config, BeanDescription description) {
        return description.findProperties().stream().anyMatch(p -> unwrapped(config, p));
    }

    /** The JSON names an object of this type may carry, unwrapped members replaced by theirs. */
    private static Set<String> flatNames(DeserializationConfig config, BeanDescription description) {
        Set<String> names = new TreeSet<>();
        for (BeanPropertyDefinition p : description.findProperties()) {
            if (unwrapped(config, p)) {
                JavaType member = p.getPrimaryType();
                names.addAll(flatNames(config, config.introspect(member)));
            } else if (p.couldDeserialize()) {
                names.add(p.getName());
            }
        }
        return names;
    }

    private static boolean unwrapped(DeserializationConfig config, BeanPropertyDefinition p) {
        return Stream.<AnnotatedMember>of(p.getConstructorParameter(), p.getField(), p.getGetter()).filter(Objects::nonNull)
                .anyMatch(m -> config.getAnnotationIntrospector().findUnwrappingNameTransformer(m) != null);
    }

    /** Buffers the object, checks its top-level names, then lets Jackson's deserializer read it. */
    private static final class Checked extends DelegatingDeserializer {
        private final Class<?> type;
        private final Set<String> known;

        Checked(JsonDeserializer<?> delegate, Class<?> type, Set<String> known) {
            super(delegate);
            this.type = type;
            this.known = known;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new Checked(newDelegatee, type, known);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!ctxt.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) || !p.hasToken(JsonToken.START_OBJECT)) {
                return super.deserialize(p, ctxt);
            }
            TokenBuffer body = ctxt.bufferAsCopyOfValue(p);
            try (JsonParser names = body.asParserOnFirstToken()) {
                while (names.nextToken() == JsonToken.FIELD_NAME) {
                    String name = names.currentName();
                    if (!known.contains(name)) {
                        throw UnrecognizedPropertyException.from(p, type, name, new ArrayList<>(known));
                    }
                    names.nextToken();
                    names.skipChildren();
                }
            }
            JsonParser replay = body.asParserOnFirstToken();
            return super.deserialize(replay, ctxt);
        }
    }
}
