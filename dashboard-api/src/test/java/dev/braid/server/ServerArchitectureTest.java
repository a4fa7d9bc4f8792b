package dev.braid.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.micronaut.http.annotation.Controller;
import org.junit.jupiter.api.Test;

/**
 * The server's shape, checked on every build: its feature packages form no import cycle (each
 * can be read, and moved, on its own), and a controller never calls another controller (what two
 * front doors share lives in a service, such as {@code calls.MeteredCalls}).
 */
class ServerArchitectureTest {

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.braid.server");

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("dev.braid.server.(*)..").should().beFreeOfCycles().check(SERVER);
    }

    @Test
    void controllersDoNotCallEachOther() {
        noClasses().that().areAnnotatedWith(Controller.class)
                .should().dependOnClassesThat().areAnnotatedWith(Controller.class)
                .because("what two front doors share belongs in a service both call")
                .check(SERVER);
    }

    @Test
    void theRulesSeeTheServer() {
        // a rule over an empty import passes whatever the code does: make sure the classes are there
        long controllers = java.util.stream.StreamSupport.stream(SERVER.spliterator(), false)
                .filter(c -> c.isAnnotatedWith(Controller.class)).count();
        org.junit.jupiter.api.Assertions.assertTrue(controllers >= 8, "controllers found: " + controllers);
    }
}
