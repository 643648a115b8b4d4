package io.artstore.ingester.storage.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The walk over the SE's list while the list changes under it. */
class RemoteListingTest {

    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    /** An SE's list, newest first, that a test changes between two pages. */
    private final List<FileAttributes> list = new ArrayList<>();
    private final List<Long> skips = new ArrayList<>();
    private Runnable afterFirstPage = () -> { };

    private RemoteListing.Page page(long skip, int limit) {
        assertThat(limit).isLessThanOrEqualTo(100);
        skips.add(skip);
        List<FileAttributes> page = list.stream().skip(skip).limit(limit).toList();
        RemoteListing.Page answer = new RemoteListing.Page(list.size(), page);
        if (skips.size() == 1) {
            afterFirstPage.run();
        }
        return answer;
    }

    @Test
    void readsEveryPageOfAStillListOnce() {
        IntStream.range(0, 250).forEach(i -> list.add(file(i)));

        List<FileId> listed = ids(new RemoteListing(this::page));

        assertThat(listed).containsExactlyElementsOf(list.stream().map(FileAttributes::fileId).toList());
        assertThat(skips).containsExactly(0L, 100L, 200L);
    }

    @Test
    void filesRemovedFromTheReadPartDoNotMakeTheWalkSkipOthers() {
        IntStream.range(0, 250).forEach(i -> list.add(file(i)));
        List<FileAttributes> kept = new ArrayList<>(list);
        afterFirstPage = () -> {
            for (int i = 0; i < 7; i++) {
                kept.remove(list.remove(10));
            }
        };

        List<FileId> listed = ids(new RemoteListing(this::page));

        assertThat(listed).containsAll(kept.stream().map(FileAttributes::fileId).toList());
    }

    @Test
    void filesAddedAtTheHeadOnlyRepeatOthers() {
        IntStream.range(0, 250).forEach(i -> list.add(file(i)));
        List<FileAttributes> before = new ArrayList<>(list);
        afterFirstPage = () -> IntStream.range(1000, 1005).forEach(i -> list.add(0, file(i)));

        List<FileId> listed = ids(new RemoteListing(this::page));

        assertThat(listed).containsAll(before.stream().map(FileAttributes::fileId).toList());
    }

    @Test
    void anEmptyListIsOneRequest() {
        assertThat(ids(new RemoteListing(this::page))).isEmpty();
        assertThat(skips).containsExactly(0L);
    }

    private static List<FileId> ids(Iterable<FileAttributes> listing) {
        List<FileId> ids = new ArrayList<>();
        listing.forEach(file -> ids.add(file.fileId()));
        return ids;
    }

    private static FileAttributes file(int i) {
        Instant at = Instant.parse("2026-12-07T08:00:00Z").minusSeconds(i);
        return new FileAttributes(FileId.random(), "f" + i + ".txt", "f" + i + ".txt", 1, "text/plain", at, at, "u", "u",
                Optional.empty(), Optional.empty(), Optional.empty(), "2026/12/07/08/", CHECKSUM, Map.of());
    }
}
