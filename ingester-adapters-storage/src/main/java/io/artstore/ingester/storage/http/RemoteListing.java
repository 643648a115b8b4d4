package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.domain.FileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Walks the SE's file list ({@code GET /api/v1/files?skip=&limit=}, newest first, at most {@value #PAGE} a page)
 * one page at a time. The list moves while it is read: a file added goes to its head and pushes the rest down (the
 * next page repeats a file, which the reader tolerates), a file removed pulls the rest up (the next page would skip
 * one). So when a page reports a smaller {@code total} than the previous one, the walk steps back by the difference
 * before going on; a file that stays on the element throughout is listed at least once.
 */
final class RemoteListing implements Iterable<FileAttributes> {

    /** The SE's largest page. */
    static final int PAGE = 100;

    /** One answer of the list: the SE's {@code total} and the page's files. */
    record Page(long total, List<FileAttributes> files) {
        Page {
            files = List.copyOf(files);
        }
    }

    @FunctionalInterface
    interface Pages {
        Page read(long skip, int limit);
    }

    private final Pages pages;

    RemoteListing(Pages pages) {
        this.pages = Objects.requireNonNull(pages, "pages");
    }

    @Override
    public Iterator<FileAttributes> iterator() {
        return new Iterator<>() {
            private final Deque<FileAttributes> ready = new ArrayDeque<>();
            private long skip;
            private long lastTotal = -1;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !done) {
                    fetch();
                }
                return !ready.isEmpty();
            }

            @Override
            public FileAttributes next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.removeFirst();
            }

            private void fetch() {
                Page page = pages.read(skip, PAGE);
                if (lastTotal >= 0 && page.total() < lastTotal) {
                    // Files were removed from the part already read: what followed moved up past the position.
                    skip = Math.max(0, skip - (lastTotal - page.total()));
                    lastTotal = page.total();
                    return;
                }
                lastTotal = page.total();
                ready.addAll(page.files());
                skip += page.files().size();
                done = page.files().isEmpty() || skip >= page.total();
            }
        };
    }
}
