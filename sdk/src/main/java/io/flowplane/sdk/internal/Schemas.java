package io.flowplane.sdk.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;

/**
 * JSON Schema (2020-12) of a flow's parameter type, derived by victools' generator with its
 * Jackson module, so {@code @JsonProperty} names, {@code @JsonPropertyDescription} and
 * required-ness are respected. Primitive record components are required.
 */
public final class Schemas {
    private static final SchemaGenerator GENERATOR = new SchemaGenerator(config());

    private Schemas() {
    }

    public static ObjectNode of(Class<?> type) {
        ObjectNode schema = GENERATOR.generateSchema(type);
        if (!schema.has("type")) {
            schema.put("type", "object");
        }
        return schema;
    }

    private static com.github.victools.jsonschema.generator.SchemaGeneratorConfig config() {
        SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(Json.MAPPER, SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        builder.forFields().withRequiredCheck(f -> f.getType().getErasedType().isPrimitive());
        return builder.build();
    }
}
