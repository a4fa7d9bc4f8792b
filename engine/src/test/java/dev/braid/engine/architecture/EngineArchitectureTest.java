package dev.braid.engine.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.braid.engine.spec.Step;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine's layering, checked on its compiled classes (tests excluded). */
class EngineArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.braid.engine");

    @Test
    void theRulesSeeTheWholeEngine() {
        // an empty import would let every rule below pass without looking at anything
        org.junit.jupiter.api.Assertions.assertTrue(ENGINE.size() > 60, "imported " + ENGINE.size() + " classes");
        org.junit.jupiter.api.Assertions.assertTrue(ENGINE.contain(dev.braid.engine.steps.StepKinds.class));
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.braid.engine.(**)").should().beFreeOfCycles().check(ENGINE);
    }

    @Test
    void theEngineNeverImportsMicronautOrTheServer() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "dev.braid.server..")
                .check(ENGINE);
    }

    /**
     * The kinds' records are declared in {@code spec} (a sealed type's subclasses share its package);
     * beyond it only the registry and the kinds' own packages name them. The compiler, the reader and
     * the runtime reach a kind through {@code StepKinds}.
     */
    @Test
    void onlyTheRegistryAndTheStepPackagesReferenceStepKinds() {
        Set<String> kindRecords = Stream.of(Step.class.getPermittedSubclasses())
                .map(Class::getName)
                .collect(Collectors.toSet());
        noClasses().that().resideOutsideOfPackages("dev.braid.engine.steps..", "dev.braid.engine.spec")
                .should().dependOnClassesThat(new DescribedPredicate<JavaClass>("are a step kind's record") {
                    @Override
                    public boolean test(JavaClass c) {
                        return kindRecords.contains(c.getName());
                    }
                })
                .check(ENGINE);
        noClasses().that().resideOutsideOfPackages("dev.braid.engine.steps..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.braid.engine.steps.*..")
                .check(ENGINE);
    }

    @Test
    void onlyTheRegistryKnowsEveryKind() {
        noClasses().that().resideInAPackage("dev.braid.engine.steps.*..")
                .should().dependOnClassesThat().resideInAPackage("dev.braid.engine.steps")
                .check(ENGINE);
    }

    @Test
    void theBottomPackagesStayAtTheBottom() {
        noClasses().that().resideInAnyPackage("dev.braid.engine.run..", "dev.braid.engine.template..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.braid.engine.spec..", "dev.braid.engine.compile..", "dev.braid.engine.runtime..",
                        "dev.braid.engine.steps..", "dev.braid.engine.read..", "dev.braid.engine.kind..")
                .check(ENGINE);
    }
}
