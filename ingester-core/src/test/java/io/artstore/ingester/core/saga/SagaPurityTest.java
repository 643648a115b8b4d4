package io.artstore.ingester.core.saga;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;

@AnalyzeClasses(packages = "io.artstore.ingester.core.saga", importOptions = ImportOption.DoNotIncludeTests.class)
class SagaPurityTest {

    private static final String SAGA = "io.artstore.ingester.core.saga.";

    @ArchTest
    static final ArchRule the_saga_engine_and_its_values_do_no_io_read_no_clock_and_start_no_threads = noClasses()
            .that(resideInAPackage("io.artstore.ingester.core.saga"))
            .and(not(nameStartingWith(SAGA + "SagaOrchestrator")))
            .and(not(nameStartingWith(SAGA + "Sleeper")))
            .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.util.concurrent..")
            .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
            .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
            .orShould().callMethod(Instant.class, "now")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .because("the engine decides from the log and the time it is given, so that every decision can be"
                    + " replayed in a test; the orchestrator acts");
}
