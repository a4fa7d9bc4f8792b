package dev.braid.engine.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.kind.StepKind;
import dev.braid.engine.spec.Step;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The registry and the sealed {@link Step} type agree: a kind without a registration fails here. */
class StepKindsTest {

    private final StepKinds kinds = StepKinds.defaults();

    @Test
    void everyPermittedSubclassOfStepHasExactlyOneKind() {
        Set<String> permitted = Stream.of(Step.class.getPermittedSubclasses())
                .map(Class::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> registered = kinds.all().stream().map(k -> k.type().getName()).toList();
        assertEquals(permitted, new TreeSet<>(registered), "Step's permitted subclasses vs StepKinds");
        assertEquals(registered.size(), new HashSet<>(registered).size(), "a type registered twice: " + registered);
    }

    @Test
    void keywordsAreDistinctAndOperationsBelongToOneKindEach() {
        assertEquals(kinds.all().size(), new HashSet<>(kinds.keywords()).size(), kinds.keywords().toString());
        List<String> ops = new ArrayList<>();
        kinds.all().forEach(k -> ops.addAll(k.operations()));
        assertEquals(ops.size(), new HashSet<>(ops).size(), "an operation claimed by two kinds: " + ops);
        assertTrue(ops.stream().noneMatch(Set.of("begin", "when", "finish")::contains), ops.toString());
    }

    @Test
    void eachKindFindsItselfByKeywordAndByItsRecordsType() {
        for (StepKind<?> k : kinds.all()) {
            assertEquals(k, kinds.byKeyword(k.keyword()).orElseThrow());
        }
        assertEquals("transform", kinds.of(new Step.Transform("1")).keyword());
        assertEquals("camel", kinds.of(new Step.Camel(List.of())).keyword());
        assertTrue(kinds.byKeyword("transfrom").isEmpty());
    }

    @Test
    void theKeywordOfEachKindIsTheKindItsRecordNames() {
        assertEquals("transform", new Step.Transform("1").kind());
        assertEquals(new Step.Transform("1").kind(), kinds.of(new Step.Transform("1")).keyword());
        assertEquals(new Step.Aggregate("1", List.of()).kind(), kinds.of(new Step.Aggregate("1", List.of())).keyword());
        assertEquals(new Step.Camel(List.of()).kind(), kinds.of(new Step.Camel(List.of())).keyword());
        assertThrows(NullPointerException.class, () -> kinds.of(null));
    }
}
