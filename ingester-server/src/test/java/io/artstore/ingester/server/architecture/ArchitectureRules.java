package io.artstore.ingester.server.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.util.Set;
import java.util.Timer;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

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

    /**
     * The core packages that adapters may use: ports and the values that cross them, the streaming pipeline, and
     * the pure engines whose records and values the log ports carry (saga, transfer, vector clock), and the upload
     * sessions that the session stores keep.
     */
    static final String[] OPEN_TO_ADAPTERS = {"port", "domain", "pipeline", "saga", "transfer", "clock", "upload"};

    static ArchRule adaptersReachTheCoreOnlyThroughPortsValuesAndPureEngines(String root) {
        String[] open = new String[OPEN_TO_ADAPTERS.length];
        for (int i = 0; i < open.length; i++) {
            open[i] = root + ".core." + OPEN_TO_ADAPTERS[i] + "..";
        }
        DescribedPredicate<JavaClass> closedCore = resideInAPackage(root + ".core..").and(resideOutsideOfPackages(open))
                .as("core classes outside " + String.join(", ", OPEN_TO_ADAPTERS));
        return noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackages(root + ".core..", root + ".server..")
                .should().dependOnClassesThat(closedCore)
                .because("adapters implement ports and persist the engines' records; the services that carry out use"
                        + " cases are wired by the server alone");
    }

    /** Adapters may use the engines, so the engines must not lead them on to the services. */
    static ArchRule coreEnginesDependOnNoService(String root) {
        return noClasses().that().resideInAnyPackage(root + ".core.saga..", root + ".core.transfer..", root + ".core.clock..",
                        root + ".core.upload..")
                .should().dependOnClassesThat().resideInAPackage(root + ".core.service..")
                .because("adapters may use the saga, transfer and clock engines, and through them must not reach a"
                        + " use case");
    }

    /** Files, file systems and sockets. */
    static ArchRule doesNoIo(String root, String corePackage) {
        return noClasses().that().resideInAPackage(root + ".core." + corePackage + "..")
                .should().dependOnClassesThat(io())
                .because("core." + corePackage + " decides and adapters act: its I/O goes through ports, so that"
                        + " tests can run it in memory and crash it at any call");
    }

    private static DescribedPredicate<JavaClass> io() {
        return resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net..")
                .or(belongToAnyOf(File.class, FileDescriptor.class, FileInputStream.class, FileOutputStream.class,
                        FileReader.class, FileWriter.class, RandomAccessFile.class))
                .as("are files, file systems or sockets (java.io files, java.nio.file, java.nio.channels, java.net)");
    }

    /**
     * The formats module holds the JSON forms that several adapters keep. It is no adapter, so adapters may share
     * it; in return it reaches nothing but the core and Jackson, so that sharing it never couples one adapter's
     * technology to another's.
     */
    static ArchRule formatsDependOnlyOnTheJdkTheCoreAndJackson(String root) {
        return classes().that().resideInAPackage(root + ".formats..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".core..", root + ".formats..",
                        "com.fasterxml.jackson..")
                .because("the formats are shared by adapters that must not depend on each other: a technology client or"
                        + " an adapter here would reach every adapter that uses them");
    }

    /** The formats turn values into bytes and back; the adapters store the bytes. */
    static ArchRule formatsDoNoIo(String root) {
        return noClasses().that().resideInAPackage(root + ".formats..")
                .should().dependOnClassesThat(io())
                .because("the formats only translate values: where the bytes go (a file, Redis) is each adapter's"
                        + " business");
    }

    /** The system clock; a {@link java.time.Clock} handed in is fine. */
    static ArchRule readsNoWallClock(String root, String corePackage) {
        DescribedPredicate<JavaMethodCall> wallClock = DescribedPredicate.describe(
                "it reads the system clock (System.currentTimeMillis or nanoTime, a java.time now(), Clock.system*)",
                call -> readsTheSystemClock(call));
        return noClasses().that().resideInAPackage(root + ".core." + corePackage + "..")
                .should().callMethodWhere(wallClock)
                .because("core." + corePackage + " takes the time from a Clock it is given, so that tests can move"
                        + " time and leases, timeouts and backoffs are decided deterministically");
    }

    private static boolean readsTheSystemClock(JavaCall<?> call) {
        String owner = call.getTargetOwner().getName();
        String name = call.getName();
        return owner.equals("java.lang.System") && (name.equals("currentTimeMillis") || name.equals("nanoTime"))
                || owner.startsWith("java.time.") && name.equals("now")
                || (owner.equals("java.time.Clock") || owner.equals("java.time.InstantSource")) && name.startsWith("system");
    }

    /** Starting, sleeping or scheduling threads; restoring an interrupt on the current thread is fine. */
    static ArchRule startsNoThreads(String root, String corePackage) {
        DescribedPredicate<JavaClass> executors = belongToAnyOf(Executor.class, ExecutorService.class,
                ScheduledExecutorService.class, Executors.class, ThreadFactory.class, ForkJoinPool.class, Timer.class)
                .as("are executors, thread factories or timers");
        DescribedPredicate<JavaConstructorCall> newThread = DescribedPredicate.describe("it makes a new Thread",
                call -> call.getTargetOwner().isAssignableTo(Thread.class));
        DescribedPredicate<JavaMethodCall> threadControl = DescribedPredicate.describe(
                "it is Thread.start, sleep, join, yield or a thread builder, or TimeUnit.sleep",
                call -> call.getTargetOwner().isAssignableTo(Thread.class) && THREAD_CONTROL.contains(call.getName())
                        || call.getTargetOwner().getName().equals("java.util.concurrent.TimeUnit") && call.getName().equals("sleep"));
        return noClasses().that().resideInAPackage(root + ".core." + corePackage + "..")
                .should().dependOnClassesThat(executors)
                .orShould().callConstructorWhere(newThread)
                .orShould().callMethodWhere(threadControl)
                .because("core." + corePackage + " runs on its caller's thread; the server owns the threads, pools"
                        + " and waits, so that tests can drive it step by step");
    }

    private static final Set<String> THREAD_CONTROL = Set.of("start", "sleep", "join", "yield", "onSpinWait", "ofVirtual",
            "ofPlatform", "startVirtualThread");

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
