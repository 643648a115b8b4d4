package io.artstore.ingester.server.architecture;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The hexagon's boundaries, checked on the production classes of every module. Each field's name says what its
 * rule checks; the rule's {@code because} says why.
 */
@AnalyzeClasses(packages = ArchitectureTest.ROOT, importOptions = ProductionClassesOnly.class)
class ArchitectureTest {

    static final String ROOT = "io.artstore.ingester";

    @ArchTest
    static final ArchRule the_core_depends_only_on_the_jdk_and_itself = ArchitectureRules.coreDependsOnlyOnTheJdk(ROOT);

    @ArchTest
    static final ArchRule adapters_use_only_the_cores_ports_domain_pipeline_saga_transfer_and_clock_packages =
            ArchitectureRules.adaptersReachTheCoreOnlyThroughPortsValuesAndPureEngines(ROOT);

    @ArchTest
    static final ArchRule the_saga_transfer_and_clock_packages_use_no_core_service =
            ArchitectureRules.coreEnginesDependOnNoService(ROOT);

    @ArchTest
    static final ArchRule nothing_outside_the_server_depends_on_the_server =
            ArchitectureRules.nothingButTheServerDependsOnTheServer(ROOT);

    @ArchTest
    static final ArchRule only_the_server_and_the_storage_adapters_use_the_storage_adapters =
            ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "storage");

    @ArchTest
    static final ArchRule only_the_server_and_the_redis_adapters_use_the_redis_adapters =
            ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "redis");

    @ArchTest
    static final ArchRule only_the_server_and_the_kafka_adapters_use_the_kafka_adapters =
            ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "kafka");

    @ArchTest
    static final ArchRule the_formats_depend_only_on_the_jdk_the_core_and_jackson =
            ArchitectureRules.formatsDependOnlyOnTheJdkTheCoreAndJackson(ROOT);

    @ArchTest
    static final ArchRule the_formats_do_no_file_or_network_io = ArchitectureRules.formatsDoNoIo(ROOT);

    @ArchTest
    static final ArchRule only_the_server_uses_javalin = ArchitectureRules.technologyOnlyIn(ROOT, "io.javalin..", "server");

    @ArchTest
    static final ArchRule only_the_storage_adapters_use_okhttp = ArchitectureRules.technologyOnlyIn(ROOT, "okhttp3..", "storage");

    @ArchTest
    static final ArchRule only_the_redis_adapters_use_jedis = ArchitectureRules.technologyOnlyIn(ROOT, "redis.clients..", "redis");

    @ArchTest
    static final ArchRule only_the_kafka_adapters_use_kafka_clients =
            ArchitectureRules.technologyOnlyIn(ROOT, "org.apache.kafka..", "kafka");

    @ArchTest
    static final ArchRule the_top_level_packages_form_no_cycle = ArchitectureRules.topLevelPackagesAreFreeOfCycles(ROOT);

    @ArchTest
    static final ArchRule core_transfer_does_no_file_or_network_io = ArchitectureRules.doesNoIo(ROOT, "transfer");

    @ArchTest
    static final ArchRule core_transfer_reads_no_system_clock = ArchitectureRules.readsNoWallClock(ROOT, "transfer");

    @ArchTest
    static final ArchRule core_transfer_starts_sleeps_and_schedules_no_threads = ArchitectureRules.startsNoThreads(ROOT, "transfer");

    @ArchTest
    static final ArchRule core_clock_does_no_file_or_network_io = ArchitectureRules.doesNoIo(ROOT, "clock");

    @ArchTest
    static final ArchRule core_clock_reads_no_system_clock = ArchitectureRules.readsNoWallClock(ROOT, "clock");

    @ArchTest
    static final ArchRule core_clock_starts_sleeps_and_schedules_no_threads = ArchitectureRules.startsNoThreads(ROOT, "clock");

    @ArchTest
    static final ArchRule core_saga_does_no_file_or_network_io = ArchitectureRules.doesNoIo(ROOT, "saga");

    @ArchTest
    static final ArchRule core_saga_reads_no_system_clock = ArchitectureRules.readsNoWallClock(ROOT, "saga");

    @ArchTest
    static final ArchRule core_saga_starts_sleeps_and_schedules_no_threads = ArchitectureRules.startsNoThreads(ROOT, "saga");

    @ArchTest
    static final ArchRule core_upload_does_no_file_or_network_io = ArchitectureRules.doesNoIo(ROOT, "upload");

    @ArchTest
    static final ArchRule core_upload_reads_no_system_clock = ArchitectureRules.readsNoWallClock(ROOT, "upload");

    @ArchTest
    static final ArchRule core_upload_starts_sleeps_and_schedules_no_threads = ArchitectureRules.startsNoThreads(ROOT, "upload");
}
