package io.artstore.ingester.server.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The hexagon's boundaries, checked on the production classes of every module. */
@AnalyzeClasses(packages = ArchitectureTest.ROOT, importOptions = ProductionClassesOnly.class)
class ArchitectureTest {

    static final String ROOT = "io.artstore.ingester";

    @ArchTest
    static final ArchRule core_depends_only_on_the_jdk = ArchitectureRules.coreDependsOnlyOnTheJdk(ROOT);

    @ArchTest
    static final ArchRule adapters_use_the_core_only_through_ports_domain_and_pipeline =
            ArchitectureRules.coreServicesAreWiredOnlyByTheServer(ROOT);

    @ArchTest
    static final ArchRule nothing_depends_on_the_server = ArchitectureRules.nothingButTheServerDependsOnTheServer(ROOT);

    @ArchTest
    static final ArchRule only_the_server_uses_the_storage_adapters = ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "storage");

    @ArchTest
    static final ArchRule only_the_server_uses_the_redis_adapters = ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "redis");

    @ArchTest
    static final ArchRule only_the_server_uses_the_kafka_adapters = ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "kafka");

    @ArchTest
    static final ArchRule javalin_is_used_only_by_the_server = ArchitectureRules.technologyOnlyIn(ROOT, "io.javalin..", "server");

    @ArchTest
    static final ArchRule okhttp_is_used_only_by_the_storage_adapters = ArchitectureRules.technologyOnlyIn(ROOT, "okhttp3..", "storage");

    @ArchTest
    static final ArchRule jedis_is_used_only_by_the_redis_adapters = ArchitectureRules.technologyOnlyIn(ROOT, "redis.clients..", "redis");

    @ArchTest
    static final ArchRule kafka_clients_are_used_only_by_the_kafka_adapters =
            ArchitectureRules.technologyOnlyIn(ROOT, "org.apache.kafka..", "kafka");

    @ArchTest
    static final ArchRule modules_packages_are_free_of_cycles = ArchitectureRules.topLevelPackagesAreFreeOfCycles(ROOT);
}
