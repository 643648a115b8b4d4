package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.BlockStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Blocks kept in this process: right for one ingester instance; a restart lifts every block. */
public final class InMemoryBlockStore implements BlockStore {

    private record Key(String kind, String value) {}

    private final Clock clock;
    private final Map<Key, Block> blocks = new ConcurrentHashMap<>();

    public InMemoryBlockStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void put(Block block) {
        blocks.put(new Key(block.kind(), block.value()), block);
        // Ended blocks are dropped as new ones come, so the map holds at most the blocks of one cool-down.
        Instant now = clock.instant();
        blocks.values().removeIf(old -> !now.isBefore(old.until()));
    }

    @Override
    public Optional<Block> find(String kind, String value) {
        Key key = new Key(kind, value);
        Block block = blocks.get(key);
        if (block == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(block.until())) {
            blocks.remove(key, block);
            return Optional.empty();
        }
        return Optional.of(block);
    }

    @Override
    public List<Block> list() {
        Instant now = clock.instant();
        return blocks.values().stream().filter(block -> now.isBefore(block.until()))
                .sorted(Comparator.comparing(Block::since)).toList();
    }

    @Override
    public boolean lift(String kind, String value) {
        Block removed = blocks.remove(new Key(kind, value));
        return removed != null && clock.instant().isBefore(removed.until());
    }
}
