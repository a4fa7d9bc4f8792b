package dev.braid.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's {@code input} JSON Schema, compiled once at read time and checked on every invoke.
 * Draft 2020-12 unless the schema names another draft in {@code $schema}. Schemas are
 * self-contained: a {@code $ref} may only point inside the schema ({@code #…}), and nothing is
 * ever fetched over the network.
 */
public final class InputSchema {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String META_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    private static final int MAX_PROBLEMS = 20;

    // Meta-schemas are served from the library's classpath copies; remote fetching stays off.
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));
    private static final Schema META = REGISTRY.getSchema(SchemaLocation.of(META_2020_12));

    private final Schema schema;

    private InputSchema(Schema schema) {
        this.schema = schema;
    }

    /**
     * Compiles a JSON Schema given as parsed YAML/JSON (Maps, Lists, scalars).
     *
     * @throws IllegalArgumentException when the schema is not a valid JSON Schema
     */
    public static InputSchema compile(Map<String, Object> schema) {
        if (schema == null) {
            throw new IllegalArgumentException("the input schema must be an object");
        }
        JsonNode node = MAPPER.valueToTree(schema);
        checkReferences(node, "input");
        JsonNode dialect = node.get("$schema");
        if (dialect != null && (!dialect.isTextual() || SpecificationVersion.fromDialectId(dialect.asText()).isEmpty())) {
            throw new IllegalArgumentException("$schema must name a JSON Schema draft such as " + META_2020_12);
        }
        if (dialect == null || META_2020_12.equals(dialect.asText())) {
            List<Error> metaErrors = META.validate(node);
            if (!metaErrors.isEmpty()) {
                Error first = metaErrors.get(0);
                throw new IllegalArgumentException(
                        "not a valid JSON Schema: " + location("input", first.getInstanceLocation()) + ": " + shortMessage(first));
            }
        }
        try {
            Schema compiled = REGISTRY.getSchema(node);
            compiled.initializeValidators();
            return new InputSchema(compiled);
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage());
        }
    }

    /** What is wrong with an invoke body's {@code input}; empty when it is valid. */
    public List<String> problems(Object input) {
        JsonNode node = input == null ? NullNode.getInstance() : MAPPER.valueToTree(input);
        List<String> problems = new ArrayList<>();
        for (Error e : schema.validate(node)) {
            if (problems.size() == MAX_PROBLEMS) {
                break;
            }
            problems.add(location("input", e.getInstanceLocation()) + ": " + shortMessage(e));
        }
        return problems;
    }

    // A $ref that leaves the document would make the library load it: refuse before compiling.
    private static void checkReferences(JsonNode node, String where) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (("$ref".equals(key) || "$dynamicRef".equals(key) || "$recursiveRef".equals(key))
                        && (!field.getValue().isTextual() || !field.getValue().asText().startsWith("#"))) {
                    throw new IllegalArgumentException(
                            where + "." + key + ": only references inside the schema (#/…) are allowed");
                }
                if ("$id".equals(key) || "$anchor".equals(key) || "$dynamicAnchor".equals(key)) {
                    throw new IllegalArgumentException(where + "." + key + ": is not supported in an input schema");
                }
                checkReferences(field.getValue(), where + "." + key);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), where + "[" + i + "]");
            }
        }
    }

    /** {@code input.items[0].name} from the library's instance location. */
    private static String location(String root, NodePath path) {
        StringBuilder sb = new StringBuilder(root);
        if (path != null) {
            for (int i = 0; i < path.getNameCount(); i++) {
                Object element = path.getElement(i);
                if (element instanceof Number n) {
                    sb.append('[').append(n).append(']');
                } else {
                    sb.append('.').append(element);
                }
            }
        }
        return sb.toString();
    }

    /** A short message in the validator's own words, without its location prefix. */
    private static String shortMessage(Error e) {
        JsonNode schemaNode = e.getSchemaNode();
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        switch (keyword) {
            case "type" -> {
                if (schemaNode != null && !schemaNode.isMissingNode()) {
                    return "must be " + article(typeText(schemaNode));
                }
            }
            case "required" -> {
                if (e.getProperty() != null) {
                    return "missing required property '" + e.getProperty() + "'";
                }
            }
            case "additionalProperties" -> {
                if (e.getProperty() != null) {
                    return "unexpected property '" + e.getProperty() + "'";
                }
            }
            default -> {}
        }
        String message = e.getMessage() == null ? "is invalid" : e.getMessage();
        // The library prefixes messages with the instance location ("$.text: …"); we print our own.
        int colon = message.startsWith("$") ? message.indexOf(": ") : -1;
        return colon >= 0 ? message.substring(colon + 2) : message;
    }

    private static String typeText(JsonNode types) {
        if (types.isArray()) {
            List<String> names = new ArrayList<>();
            types.forEach(t -> names.add(t.asText()));
            return String.join(" or ", names);
        }
        return types.asText();
    }

    private static String article(String type) {
        return (type.startsWith("a") || type.startsWith("i") || type.startsWith("o") ? "an " : "a ") + type;
    }
}
