package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.in.AddFileCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds add-file commands for tests: an edit-mode text file unless told otherwise. */
public final class AddFileCommandBuilder {

    private Mode mode = Mode.EDIT;
    private Optional<StorageElementId> elementId = Optional.empty();
    private String originalFilename = "report.txt";
    private Map<String, Object> metadata = new LinkedHashMap<>();
    private OptionalInt ttlDays = OptionalInt.empty();
    private Optional<CompressionAlgorithm> compression = Optional.empty();
    private OptionalLong declaredSize = OptionalLong.empty();
    private Optional<Sha256> checksum = Optional.empty();
    private OptionalLong sizeHint = OptionalLong.empty();
    private boolean sign;

    public static AddFileCommandBuilder anAddFileCommand() {
        return new AddFileCommandBuilder();
    }

    public AddFileCommandBuilder mode(Mode value) {
        mode = value;
        return this;
    }

    public AddFileCommandBuilder element(String value) {
        elementId = Optional.of(StorageElementId.of(value));
        return this;
    }

    public AddFileCommandBuilder originalFilename(String value) {
        originalFilename = value;
        return this;
    }

    public AddFileCommandBuilder metadata(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    public AddFileCommandBuilder ttlDays(int value) {
        ttlDays = OptionalInt.of(value);
        return this;
    }

    public AddFileCommandBuilder compression(CompressionAlgorithm value) {
        compression = Optional.of(value);
        return this;
    }

    public AddFileCommandBuilder declaredSize(long value) {
        declaredSize = OptionalLong.of(value);
        return this;
    }

    public AddFileCommandBuilder checksum(Sha256 value) {
        checksum = Optional.of(value);
        return this;
    }

    public AddFileCommandBuilder sizeHint(long value) {
        sizeHint = OptionalLong.of(value);
        return this;
    }

    public AddFileCommandBuilder signed() {
        sign = true;
        return this;
    }

    public AddFileCommand build() {
        return new AddFileCommand(mode, elementId, originalFilename, "text/plain",
                new Uploader("u-1", "ivan", Optional.of("Ivan Petrov")), Optional.of("a report"), Optional.of("1"),
                metadata, ttlDays, compression, declaredSize, checksum, sizeHint, sign);
    }
}
