package io.artstore.ingester.core.port.in;

import java.util.Objects;

/** Saga participant commands, as the transports (HTTP, a Kafka consumer) hand them in. */
public interface SagaCommandUseCase {

    /**
     * Handles one command on the calling thread.
     *
     * @throws io.artstore.ingester.core.domain.IngestException when the command cannot be handled now; nothing is
     *     answered then, and the command may be sent again
     */
    Handled handle(ParticipantCommand command);

    /**
     * Notes that the reply to a command was delivered (e.g. sent on a replies topic), so that a later attempt at it
     * does not send it again.
     *
     * @return whether this call noted it; {@code false} when it was noted before
     */
    boolean markDelivered(CommandKey key);

    /**
     * The reply to a command.
     *
     * @param duplicate the reply comes from the store: the command was answered before
     * @param delivered the reply was noted as delivered before
     */
    record Handled(ParticipantReply reply, boolean duplicate, boolean delivered) {
        public Handled {
            Objects.requireNonNull(reply, "reply");
        }
    }
}
