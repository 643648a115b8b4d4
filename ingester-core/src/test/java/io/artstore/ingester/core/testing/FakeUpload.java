package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.service.Placement;
import io.artstore.ingester.core.service.StorageElementSelector;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The request side of an add saga for scenario tests: reserves through a selector and stages fixed bytes. */
public final class FakeUpload implements AddFileSaga.Upload {

    private final StorageElementSelector selector;
    private final byte[] content;
    private Optional<Placement> placement = Optional.empty();

    public FakeUpload(StorageElementSelector selector, byte[] content) {
        this.selector = selector;
        this.content = content.clone();
    }

    @Override
    public Placement reserve() {
        if (placement.isEmpty()) {
            placement = Optional.of(selector.place(Mode.EDIT, Optional.empty(), OptionalLong.of(content.length)));
        }
        return placement.get();
    }

    @Override
    public AddFileSaga.Staged stage(AddFileSaga.Data data) {
        FileAttributes attributes = placement.orElseThrow().element().stage(new StoreRequest(data.fileId(), "scenario.txt",
                "text/plain", Uploader.anonymous(), Optional.empty(), Optional.empty(), Instant.parse("2025-01-01T00:00:00Z"),
                Map::of), new ByteArrayInputStream(content));
        return new AddFileSaga.Staged(attributes, Optional.empty());
    }

    @Override
    public void release() {
        placement.ifPresent(Placement::close);
    }
}
