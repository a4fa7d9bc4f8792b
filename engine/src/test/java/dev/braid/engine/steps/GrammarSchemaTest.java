package dev.braid.engine.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.guard.GuardAction;
import dev.braid.components.mask.MaskEntity;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.spec.Step;
import dev.braid.engine.steps.guard.GuardKind;
import dev.braid.engine.steps.mask.MaskKind;
import dev.braid.engine.steps.model.ModelKind;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema shipped with the engine and the grammar's closed lists (which come from the Java
 * enums) hold the same values in the same order: every enum value is in the schema and every schema
 * value is an enum's.
 */
class GrammarSchemaTest {

    private static final JsonNode SCHEMA = load();

    private static JsonNode load() {
        try (InputStream in = GrammarSchemaTest.class.getResourceAsStream("/braid/pipeline.schema.json")) {
            return new ObjectMapper().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> {
            if (n.isTextual()) {
                out.add(n.asText());
            }
        });
        return out;
    }

    private static JsonNode def(String name) {
        return SCHEMA.at("/$defs/" + name);
    }

    private static <E extends Enum<E>> List<String> lower(E[] values) {
        return Stream.of(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    }

    @Test
    void stepKindsAreTheRegisteredKinds() {
        List<String> kinds = StepKinds.defaults().keywords();
        List<String> properties = new ArrayList<>();
        def("step").get("properties").fieldNames().forEachRemaining(properties::add);
        properties.removeAll(List.of("id", "when"));
        assertEquals(kinds, properties);
        List<String> oneOf = new ArrayList<>();
        def("step").get("oneOf").forEach(n -> oneOf.add(n.get("required").get(0).asText()));
        assertEquals(kinds, oneOf);
        kinds.forEach(k -> assertEquals(false, def(k).isMissingNode(), "no $defs/" + k));
    }

    @Test
    void tasksAreModelTask() {
        assertEquals(Stream.of(ModelTask.values()).map(ModelTask::uriName).toList(),
                strings(def("model").at("/properties/task/enum")));
        assertEquals(ModelKind.TASKS, strings(def("model").at("/properties/task/enum")));
    }

    @Test
    void strategiesAreRoutingStrategy() {
        assertEquals(Stream.of(RoutingStrategy.values()).map(RoutingStrategy::yamlName).toList(),
                strings(def("model").at("/properties/strategy/enum")));
        assertEquals(ModelKind.STRATEGIES, strings(def("model").at("/properties/strategy/enum")));
        assertEquals("#/$defs/model/properties/strategy", def("classifier").at("/properties/strategy/$ref").asText());
    }

    @Test
    void entitiesAreMaskEntity() {
        assertEquals(Stream.of(MaskEntity.values()).map(Enum::name).toList(),
                strings(def("mask").at("/properties/entities/items/enum")));
        assertEquals(MaskKind.ENTITIES, strings(def("mask").at("/properties/entities/items/enum")));
    }

    @Test
    void fallbackTriggersAreFallbackTrigger() {
        assertEquals(FallbackTrigger.YAML_NAMES, strings(def("model").at("/properties/on/items/enum")));
        assertEquals("#/$defs/model/properties/on", def("classifier").at("/properties/on/$ref").asText());
    }

    @Test
    void branchGuardAndClassifierChoicesAreTheirEnums() {
        assertEquals(lower(Step.OnBranchError.values()), strings(def("parallel").at("/properties/onBranchError/enum")));
        assertEquals(lower(GuardAction.values()), strings(def("guard").at("/properties/promptInjection/enum")));
        assertEquals(GuardKind.ACTIONS, strings(def("guard").at("/properties/promptInjection/enum")));
        assertEquals(lower(Step.OnClassifierError.values()),
                strings(def("guard").at("/properties/onClassifierError/enum")));
    }
}
