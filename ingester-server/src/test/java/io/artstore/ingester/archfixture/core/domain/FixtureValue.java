package io.artstore.ingester.archfixture.core.domain;

public record FixtureValue(String name) {
}
