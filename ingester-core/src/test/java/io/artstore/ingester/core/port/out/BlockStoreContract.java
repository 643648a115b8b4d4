package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.BlockStore.Block;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link BlockStore} does; each implementation's test extends this. */
public abstract class BlockStoreContract {

    protected BlockStore store;

    /** A new, empty store on the real clock. */
    protected abstract BlockStore createStore() throws Exception;

    /**
     * The same blocks as another instance sees them (another client of a shared store); the store itself where
     * there is no other.
     */
    protected abstract BlockStore anotherView(BlockStore store) throws Exception;

    @BeforeEach
    void createTheStore() throws Exception {
        store = createStore();
    }

    private static Block block(String kind, String value, Duration coolDown) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Block(kind, value, "repeated authentication failures", now, now.plus(coolDown));
    }

    @Test
    void a_block_is_found_listed_and_lifted() {
        Block block = block("ip", "192.0.2.7", Duration.ofMinutes(5));

        store.put(block);

        assertThat(store.find("ip", "192.0.2.7")).contains(block);
        assertThat(store.find("subject", "192.0.2.7")).as("kinds are apart").isEmpty();
        assertThat(store.find("ip", "192.0.2.8")).isEmpty();
        assertThat(store.list()).containsExactly(block);
        assertThat(store.lift("ip", "192.0.2.7")).isTrue();
        assertThat(store.find("ip", "192.0.2.7")).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThat(store.lift("ip", "192.0.2.7")).as("nothing left to lift").isFalse();
    }

    @Test
    void values_with_separators_are_kept_apart() {
        Block ipv6 = block("ip", "2001:db8::1", Duration.ofMinutes(5));
        Block subject = block("subject", "ip:2001:db8::1", Duration.ofMinutes(5));

        store.put(ipv6);
        store.put(subject);

        assertThat(store.find("ip", "2001:db8::1")).contains(ipv6);
        assertThat(store.find("subject", "ip:2001:db8::1")).contains(subject);
        assertThat(store.list()).containsExactlyInAnyOrder(ipv6, subject);
    }

    @Test
    void a_new_block_replaces_the_old_one_and_the_list_is_oldest_first() throws InterruptedException {
        Block first = block("subject", "alice", Duration.ofMinutes(5));
        Block other = new Block("ip", "192.0.2.9", "flood", first.since().plusMillis(10), first.until());
        Block again = new Block("subject", "alice", "flood", first.since().plusMillis(20), first.until().plusSeconds(60));

        store.put(first);
        store.put(other);
        store.put(again);

        assertThat(store.find("subject", "alice")).contains(again);
        assertThat(store.list()).containsExactly(other, again);
    }

    @Test
    void a_block_ends_with_its_cool_down() {
        Block shortOne = block("ip", "192.0.2.10", Duration.ofMillis(300));
        Block longOne = block("ip", "192.0.2.11", Duration.ofMinutes(5));
        store.put(shortOne);
        store.put(longOne);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (store.find("ip", "192.0.2.10").isPresent()) {
            assertThat(System.nanoTime()).as("the block ends within its cool-down").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(Instant.now()).isAfterOrEqualTo(shortOne.until());
        assertThat(store.list()).containsExactly(longOne);
        assertThat(store.lift("ip", "192.0.2.10")).as("an ended block is not in force").isFalse();
    }

    @Test
    void another_instance_sees_lists_and_lifts_the_same_blocks() throws Exception {
        BlockStore other = anotherView(store);
        Block block = block("subject", "mallory", Duration.ofMinutes(5));

        store.put(block);

        assertThat(other.find("subject", "mallory")).contains(block);
        assertThat(other.list()).containsExactly(block);
        assertThat(other.lift("subject", "mallory")).isTrue();
        assertThat(store.find("subject", "mallory")).isEmpty();
    }
}
