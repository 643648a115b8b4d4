package io.artstore.ingester.server.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.artstore.ingester.archfixture.core.clock.ClockThatReadsAFile;
import io.artstore.ingester.archfixture.core.clock.ClockThatReadsTheSystemClock;
import io.artstore.ingester.archfixture.core.clock.ClockThatSchedulesOnAnExecutor;
import io.artstore.ingester.archfixture.core.clock.FixtureClockValue;
import io.artstore.ingester.archfixture.core.domain.FixtureValue;
import io.artstore.ingester.archfixture.core.domain.ValueThatKnowsHttp;
import io.artstore.ingester.archfixture.core.port.out.FixturePort;
import io.artstore.ingester.archfixture.core.saga.FixtureSagaEngine;
import io.artstore.ingester.archfixture.core.saga.SagaEngineCallingAService;
import io.artstore.ingester.archfixture.core.saga.SagaThatOpensASocket;
import io.artstore.ingester.archfixture.core.saga.SagaThatReadsTheSystemClock;
import io.artstore.ingester.archfixture.core.saga.SagaThatSleeps;
import io.artstore.ingester.archfixture.core.service.FixtureService;
import io.artstore.ingester.archfixture.core.transfer.FixtureTransferRecord;
import io.artstore.ingester.archfixture.core.transfer.TransferThatReadsTheSystemClock;
import io.artstore.ingester.archfixture.core.transfer.TransferThatStartsAThread;
import io.artstore.ingester.archfixture.core.transfer.TransferThatWritesAFile;
import io.artstore.ingester.archfixture.formats.FixtureFormat;
import io.artstore.ingester.archfixture.formats.FormatThatKnowsHttp;
import io.artstore.ingester.archfixture.formats.FormatThatReadsAFile;
import io.artstore.ingester.archfixture.kafka.KafkaAdapterUsingStorage;
import io.artstore.ingester.archfixture.redis.RedisAdapterUsingKafka;
import io.artstore.ingester.archfixture.server.FixtureServer;
import io.artstore.ingester.archfixture.storage.FixtureLogAdapter;
import io.artstore.ingester.archfixture.storage.FixtureStorageAdapter;
import io.artstore.ingester.archfixture.storage.StorageAdapterCallingAService;
import io.artstore.ingester.archfixture.storage.StorageAdapterCallingTheServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that the architecture rules catch what they are meant to: each fails on the fixture class that breaks
 * it and passes on the compliant fixtures, laid out like the ingester under their own root package.
 */
class ArchitectureRulesBiteTest {

    private static final String ROOT = "io.artstore.ingester.archfixture";

    private static final JavaClasses COMPLIANT = new ClassFileImporter().importClasses(
            FixtureValue.class, FixturePort.class, FixtureService.class, FixtureStorageAdapter.class, FixtureServer.class,
            FixtureTransferRecord.class, FixtureClockValue.class, FixtureSagaEngine.class, FixtureLogAdapter.class,
            FixtureFormat.class);
    private static final JavaClasses ALL = new ClassFileImporter().importPackages(ROOT);

    static Stream<Arguments> rulesAndTheirCulprits() {
        return Stream.of(
                Arguments.of(ArchitectureRules.coreDependsOnlyOnTheJdk(ROOT), ValueThatKnowsHttp.class),
                Arguments.of(ArchitectureRules.adaptersReachTheCoreOnlyThroughPortsValuesAndPureEngines(ROOT),
                        StorageAdapterCallingAService.class),
                Arguments.of(ArchitectureRules.coreEnginesDependOnNoService(ROOT), SagaEngineCallingAService.class),
                Arguments.of(ArchitectureRules.nothingButTheServerDependsOnTheServer(ROOT), StorageAdapterCallingTheServer.class),
                Arguments.of(ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "storage"), KafkaAdapterUsingStorage.class),
                Arguments.of(ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "redis"), KafkaAdapterUsingStorage.class),
                Arguments.of(ArchitectureRules.onlyTheServerDependsOnAdapter(ROOT, "kafka"), RedisAdapterUsingKafka.class),
                Arguments.of(ArchitectureRules.formatsDependOnlyOnTheJdkTheCoreAndJackson(ROOT), FormatThatKnowsHttp.class),
                Arguments.of(ArchitectureRules.formatsDoNoIo(ROOT), FormatThatReadsAFile.class),
                // The okhttp, jedis and kafka-clients rules come from this same factory; their libraries are not
                // on this module's classpath, so Javalin stands in for all of them.
                Arguments.of(ArchitectureRules.technologyOnlyIn(ROOT, "io.javalin..", "server"), ValueThatKnowsHttp.class),
                Arguments.of(ArchitectureRules.topLevelPackagesAreFreeOfCycles(ROOT), RedisAdapterUsingKafka.class),
                Arguments.of(ArchitectureRules.doesNoIo(ROOT, "transfer"), TransferThatWritesAFile.class),
                Arguments.of(ArchitectureRules.readsNoWallClock(ROOT, "transfer"), TransferThatReadsTheSystemClock.class),
                Arguments.of(ArchitectureRules.startsNoThreads(ROOT, "transfer"), TransferThatStartsAThread.class),
                Arguments.of(ArchitectureRules.doesNoIo(ROOT, "clock"), ClockThatReadsAFile.class),
                Arguments.of(ArchitectureRules.readsNoWallClock(ROOT, "clock"), ClockThatReadsTheSystemClock.class),
                Arguments.of(ArchitectureRules.startsNoThreads(ROOT, "clock"), ClockThatSchedulesOnAnExecutor.class),
                Arguments.of(ArchitectureRules.doesNoIo(ROOT, "saga"), SagaThatOpensASocket.class),
                Arguments.of(ArchitectureRules.readsNoWallClock(ROOT, "saga"), SagaThatReadsTheSystemClock.class),
                Arguments.of(ArchitectureRules.startsNoThreads(ROOT, "saga"), SagaThatSleeps.class));
    }

    @ParameterizedTest
    @MethodSource("rulesAndTheirCulprits")
    void fails_on_the_class_that_breaks_it(ArchRule rule, Class<?> culprit) {
        assertThatThrownBy(() -> rule.check(ALL))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(culprit.getName());
    }

    @ParameterizedTest
    @MethodSource("rulesAndTheirCulprits")
    void passes_on_compliant_classes(ArchRule rule, Class<?> culprit) {
        assertThatCode(() -> rule.check(COMPLIANT)).as("without %s", culprit.getSimpleName()).doesNotThrowAnyException();
    }

    @Test
    void a_rule_aimed_at_a_misspelt_package_fails_instead_of_checking_nothing() {
        ArchRule misspelt = ArchitectureRules.coreDependsOnlyOnTheJdk(ROOT + ".cor");

        assertThatThrownBy(() -> misspelt.check(ALL))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed to check any classes");
    }
}
