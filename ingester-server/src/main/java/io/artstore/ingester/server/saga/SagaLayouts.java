package io.artstore.ingester.server.saga;

import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaRecord;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Saga definitions by type and step-layout version, so that a saga is named with the layout its records were
 * written in: an add saga of version 1 has no {@code register-file}, and its step 2 is {@code publish-stored}.
 */
public final class SagaLayouts {

    private record Layout(String type, int version) {}

    private final Map<Layout, SagaDefinition<?>> definitions;

    /** @throws IllegalStateException when two definitions share a type and a version */
    public SagaLayouts(Collection<? extends SagaDefinition<?>> definitions) {
        this.definitions = definitions.stream().collect(Collectors.toUnmodifiableMap(
                definition -> new Layout(definition.name(), definition.version()), Function.identity()));
    }

    /** The definition the record's saga was written with; empty for a type or version this instance does not know. */
    public Optional<SagaDefinition<?>> of(SagaRecord record) {
        return Optional.ofNullable(definitions.get(new Layout(record.sagaType(), record.definitionVersion())));
    }
}
