package io.artstore.ingester.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules, for any root package: {@link ArchitectureTest} applies them to the ingester and
 * {@link ArchitectureRulesBiteTest} to fixture classes that break them.
 *
 * <p>Each rule is phrased from the side that already exists — the core, the server, "everything but X" — rather
 * than from an adapter module that may not exist yet (redis, kafka). So no rule has an empty set of classes to
 * check, every rule keeps failing on an empty should-set, and none needs {@code allowEmptyShould}: a rule
 * aimed at a misspelt package fails instead of silently checking nothing.
 */
final class ArchitectureRules {

    private ArchitectureRules() {
    }

    static ArchRule coreDependsOnlyOnTheJdk(String root) {
        return classes().that().resideInAPackage(root + ".core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".core..")
                .because("the core is a library any JVM service can embed; technology belongs in adapters");
    }

    static ArchRule coreServicesAreWiredOnlyByTheServer(String root) {
        // Values, ports, the pipeline and the pure engines (whose log records adapters persist) are open to
        // adapters; the services that carry out use cases are not.
        return classes().that().resideInAPackage(root + ".core.service..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage(root + ".core..", root + ".server..")
                .because("adapters implement ports and must not reach into use cases; only the server wires services");
    }

    static ArchRule nothingButTheServerDependsOnTheServer(String root) {
        return classes().that().resideInAPackage(root + ".server..")
                .should().onlyHaveDependentClassesThat().resideInAPackage(root + ".server..")
                .because("the server is the composition root: it depends on everything, nothing depends on it");
    }

    /** Only the adapter itself and the server, which wires it, may use an adapter's classes. */
    static ArchRule onlyTheServerDependsOnAdapter(String root, String adapter) {
        return noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackages(root + "." + adapter + "..", root + ".server..")
                .should().dependOnClassesThat().resideInAPackage(root + "." + adapter + "..")
                .because("adapters never depend on each other, so each can be swapped or left out by configuration");
    }

    /** Keeps a technology's client library in the one package that adapts it. */
    static ArchRule technologyOnlyIn(String root, String technologyPackage, String home) {
        return noClasses().that().resideOutsideOfPackage(root + "." + home + "..")
                .should().dependOnClassesThat().resideInAPackage(technologyPackage)
                .because(technologyPackage + " is an implementation detail of " + root + "." + home
                        + "; elsewhere it would tie the ingester to one technology");
    }

    static ArchRule topLevelPackagesAreFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .because("a cycle between modules' packages makes them one module in all but name");
    }
}
