package io.artstore.ingester.storage.http;

import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Leaves out the two contract tests that expect the stored file name to carry the request's uploader and
 * creation time. An ArtStore SE names a file after the token it was sent with and its own clock, so no HTTP
 * element can meet them; {@code HttpStorageElementContractTest} checks what it does instead. To be removed once
 * the contract lets remote elements name files their way.
 */
final class RemoteNamingDiffers implements ExecutionCondition {

    static final Set<String> LEFT_OUT = Set.of(
            "stored_attributes_follow_the_artstore_naming_rule",
            "a_unicode_file_name_is_kept");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getTestMethod()
                .filter(method -> LEFT_OUT.contains(method.getName()))
                .map(method -> ConditionEvaluationResult.disabled("an ArtStore SE names files after the token's name "
                        + "and its own clock; see HttpStorageElementContractTest.storage_names_use_the_token_and_the_se_clock"))
                .orElse(ConditionEvaluationResult.enabled("not about stored file names"));
    }
}
