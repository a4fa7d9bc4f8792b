package dev.braid.components;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of the components module, checked on its compiled classes: packages without cycles, no
 * dependency on the modules above it or on a DI framework, and a model layer that is plain Java
 * below its Camel adapter.
 */
@AnalyzeClasses(packages = "dev.braid.components", importOptions = ImportOption.DoNotIncludeTests.class)
class ComponentsArchitectureTest {

    /** Every package is its own slice: {@code (**)} captures the whole sub-package path. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.braid.components.(**)")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule componentsStandAlone = noClasses().that().resideInAPackage("dev.braid.components..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.braid.engine..", "dev.braid.server..", "io.micronaut..")
            .because("components are usable from any Camel route; the engine and the server build on them, not the reverse");

    @ArchTest
    static final ArchRule modelLayerIsPlainJava = noClasses().that().resideInAnyPackage(
                    "dev.braid.components.model.api..", "dev.braid.components.model.routing..",
                    "dev.braid.components.model.cache..", "dev.braid.components.model.pricing..",
                    "dev.braid.components.model.gateway..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.camel..")
            .because("only model.camel adapts the gateway to Camel; the server calls the gateway without it");

    @ArchTest
    static final ArchRule onlyTheAdapterKnowsTheGateway = noClasses().that().resideOutsideOfPackages(
                    "dev.braid.components.model.gateway..", "dev.braid.components.model.camel..")
            .should().dependOnClassesThat().resideInAPackage("dev.braid.components.model.gateway..")
            .because("the gateway sits on top of the model layer; providers and routing never reach up to it");
}
