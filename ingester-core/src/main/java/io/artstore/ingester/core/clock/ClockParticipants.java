package io.artstore.ingester.core.clock;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The nodes whose entries an instance keeps in its vector clock: the instance itself ({@code self}) and every node
 * id that {@code others} matches as a whole (the other ingester instances and the ArtStore modules). Entries of
 * any other node a client sends are ignored, so that a client cannot plant entries that every later clock carries.
 */
public record ClockParticipants(NodeId self, Pattern others) {

    /**
     * Ingester instances ({@code ingester-} and a suffix, as generated ids {@code ingester-<12 hex digits>} are) and
     * the ArtStore modules ({@code admin-module}, {@code query-module}, {@code storage-element}, each alone or with
     * a suffix such as {@code storage-element-01}).
     */
    public static final String DEFAULT_PATTERN =
            "ingester-[A-Za-z0-9._-]+|(admin-module|query-module|storage-element)(-[A-Za-z0-9._-]+)?";

    public ClockParticipants {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(others, "others");
    }

    /**
     * @throws IllegalArgumentException when {@code pattern} is not a regular expression
     */
    public static ClockParticipants of(NodeId self, String pattern) {
        return new ClockParticipants(self, compile(pattern));
    }

    /**
     * @throws IllegalArgumentException when {@code pattern} is not a regular expression
     */
    public static Pattern compile(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription() + " near index "
                    + e.getIndex() + " of '" + pattern + "'", e);
        }
    }

    /** The instance and the nodes {@link #DEFAULT_PATTERN} matches. */
    public static ClockParticipants byDefault(NodeId self) {
        return of(self, DEFAULT_PATTERN);
    }

    public boolean includes(NodeId node) {
        return node.equals(self) || others.matcher(node.value()).matches();
    }

    /** The clock without the entries of nodes that are not participants. */
    public VectorClock retain(VectorClock clock) {
        return clock.retain(this::includes);
    }
}
