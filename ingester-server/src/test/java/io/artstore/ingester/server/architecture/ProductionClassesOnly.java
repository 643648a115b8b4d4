package io.artstore.ingester.server.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.regex.Pattern;

/**
 * Main classes of every module, whether the build hands them over as {@code target/classes} or as jars: test
 * classes and the modules' test-jars (fakes, contracts, the rule fixtures) are left out.
 */
public final class ProductionClassesOnly implements ImportOption {

    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");
    private static final ImportOption TEST_FOLDERS = new ImportOption.DoNotIncludeTests();

    @Override
    public boolean includes(Location location) {
        return TEST_FOLDERS.includes(location) && !location.matches(TEST_JAR);
    }
}
