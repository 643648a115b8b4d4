package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import java.util.Map;
import java.util.Objects;

/**
 * One operation a coordinator may ask of this participant as a saga step. Each (saga id, step) is executed at
 * most once to a final outcome, but an attempt may be cut short (its instance died) and the command run again by
 * another instance: {@link #execute} must then find and finish what the earlier attempt started rather than start
 * it twice, e.g. by deriving the ids of what it starts from {@link CommandKey#stepKey()}.
 */
public interface ParticipantOperation {

    /** Its name in commands, e.g. {@code delete_file}. */
    String name();

    Result execute(ParticipantCommand command);

    /**
     * Undoes an execute that {@linkplain Outcome#SUCCEEDED succeeded}.
     *
     * @param executed the execute's reply
     */
    Result compensate(ParticipantCommand command, ParticipantReply executed);

    /** What an attempt came to. */
    sealed interface Result {

        /** The work was done (or undone). */
        record Done(Map<String, Object> result) implements Result {
            public Done {
                result = Map.copyOf(result);
            }
        }

        /** The work cannot be done (or undone); final. */
        record Failed(String code, String message, Map<String, Object> result) implements Result {
            public Failed {
                Objects.requireNonNull(code, "code");
                Objects.requireNonNull(message, "message");
                result = Map.copyOf(result);
            }

            public Failed(String code, String message) {
                this(code, message, Map.of());
            }
        }

        /** The work was started and is still being finished (e.g. by recovery): ask again later. */
        record Pending(String code, String message, Map<String, Object> result) implements Result {
            public Pending {
                Objects.requireNonNull(code, "code");
                Objects.requireNonNull(message, "message");
                result = Map.copyOf(result);
            }
        }
    }
}
