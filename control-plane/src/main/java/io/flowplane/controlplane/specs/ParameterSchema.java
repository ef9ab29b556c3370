package io.flowplane.controlplane.specs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.flowplane.controlplane.common.FieldError;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.common.Validator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameters are checked against the deployment's JSON Schema (draft 2020-12) before any run is
 * created. A property the schema marks secret ({@code "format": "password"} or
 * {@code "writeOnly": true}) may not be given a value: secrets stay home, as references the agent
 * resolves.
 */
public final class ParameterSchema {
    /**
     * Loads nothing but the meta-schemas in the validator's jar: a {@code $schema}, {@code $ref} or
     * {@code $id} naming a URL or file is never fetched (no server-side request on a user's behalf).
     */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(loaders -> loaders.add(new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))));
    private static final JsonSchema META = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));

    private ParameterSchema() {
    }

    /** The schema itself must be valid, and the default parameters must satisfy it. */
    static void validateSchema(Validator v, ObjectNode schema, ObjectNode defaults) {
        if (schema == null) {
            return;
        }
        List<FieldError> problems = problems(schema);
        if (!problems.isEmpty()) {
            problems.forEach(p -> v.add(p.field(), p.message()));
            return;
        }
        try {
            FACTORY.getSchema(schema).initializeValidators();
        } catch (RuntimeException e) {
            v.add("parameterSchema", "cannot be compiled: " + io.flowplane.controlplane.common.UserMessages.plain(e));
            return;
        }
        if (defaults != null) {
            check(schema, defaults).forEach(e -> v.add(e.field(), e.message()));
        }
    }

    /** Throws a ValidationException naming each parameter that violates the schema. */
    public static void validateParameters(JsonNode schema, ObjectNode parameters) {
        if (schema == null || schema.isNull()) {
            return;
        }
        List<FieldError> errors = check(schema, parameters);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    /** Adds each violation to {@code v}, field names under {@code prefix} (e.g. "schedules[0]."). */
    static void validateInto(Validator v, String prefix, JsonNode schema, ObjectNode parameters) {
        // A schema that is itself invalid is reported by validateSchema; it is never compiled here.
        if (schema == null || schema.isNull() || !problems(schema).isEmpty()) {
            return;
        }
        List<FieldError> errors;
        try {
            errors = check(schema, parameters);
        } catch (RuntimeException e) {
            return;
        }
        errors.forEach(e -> v.add(prefix + e.field(), e.message()));
    }

    private static List<FieldError> check(JsonNode schema, ObjectNode parameters) {
        List<FieldError> errors = new ArrayList<>();
        for (ValidationMessage m : FACTORY.getSchema(schema).validate(parameters)) {
            errors.add(new FieldError("parameters" + suffix(m), m.getMessage()));
        }
        JsonNode properties = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            boolean secret = "password".equals(p.getValue().path("format").asText())
                    || p.getValue().path("writeOnly").asBoolean(false);
            if (secret && parameters.has(p.getKey())) {
                errors.add(new FieldError("parameters." + p.getKey(),
                        "is marked secret in the schema: pass a secret reference through the deployment's "
                                + "environment (${secret:NAME}) instead of a value"));
            }
        }
        return errors;
    }

    /**
     * What is wrong with the schema itself before it may be compiled (empty: nothing): invalid
     * against the meta-schema, not an object schema, or a reference to anything but itself.
     */
    private static List<FieldError> problems(JsonNode schema) {
        Set<ValidationMessage> invalid = META.validate(schema);
        if (!invalid.isEmpty()) {
            return invalid.stream().map(p -> new FieldError("parameterSchema" + suffix(p), p.getMessage())).toList();
        }
        if (!schema.path("type").isMissingNode() && !"object".equals(schema.path("type").asText())) {
            return List.of(new FieldError("parameterSchema.type", "must be \"object\": parameters are a JSON object"));
        }
        if (hasExternalRef(schema)) {
            // The control plane never fetches URLs a user names (no server-side requests on their behalf).
            return List.of(new FieldError("parameterSchema", "only local references ($ref starting with '#') are allowed"));
        }
        return List.of();
    }

    private static boolean hasExternalRef(JsonNode node) {
        if (node.isObject()) {
            for (String key : List.of("$ref", "$dynamicRef", "$recursiveRef")) {
                JsonNode ref = node.get(key);
                if (ref != null && !ref.asText().startsWith("#")) {
                    return true;
                }
            }
        }
        for (JsonNode child : node) {
            if (hasExternalRef(child)) {
                return true;
            }
        }
        return false;
    }

    private static String suffix(ValidationMessage m) {
        String location = m.getInstanceLocation() == null ? "$" : m.getInstanceLocation().toString();
        return location.equals("$") ? "" : location.substring(1);
    }
}
