package io.artstore.ingester.core.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Client addresses and token subjects refused for a cool-down, as every instance sharing the store sees them: a
 * block raised by one instance is listed, enforced and lifted by any. A block is forgotten when its cool-down ends.
 */
public interface BlockStore {

    /**
     * One block.
     *
     * @param kind what is blocked, e.g. {@code ip} or {@code subject}
     * @param until when the cool-down ends
     */
    record Block(String kind, String value, String reason, Instant since, Instant until) {
        public Block {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(until, "until");
            if (kind.isEmpty() || kind.contains(":")) {
                throw new IllegalArgumentException("a block's kind is a non-empty word without ':', got '" + kind + "'");
            }
            if (!until.isAfter(since)) {
                throw new IllegalArgumentException("a block must end after it began: " + since + " .. " + until);
            }
        }
    }

    /** Puts {@code block} in force until its end, replacing any block of the same kind and value. */
    void put(Block block);

    /** The block in force on {@code value} now, if any. */
    Optional<Block> find(String kind, String value);

    /** The blocks in force now, oldest first. */
    List<Block> list();

    /** @return whether a block was in force */
    boolean lift(String kind, String value);
}
