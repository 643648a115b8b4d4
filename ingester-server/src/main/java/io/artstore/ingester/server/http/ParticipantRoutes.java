package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.Outcome;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import io.artstore.ingester.core.port.in.SagaCommandUseCase;
import io.artstore.ingester.server.security.RoutePolicy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code POST /api/v1/saga/commands}: a saga participant command over HTTP, for deployments without Kafka. The body
 * is the command's JSON; the answer is the reply's JSON, 200 for a final reply (a duplicate gets the first reply
 * again), 202 with {@code Retry-After} for {@code in_progress} (send the same command again). A malformed command
 * is 400 {@code invalid_saga_command}; a store or element that cannot be reached 503, and nothing is recorded.
 */
public final class ParticipantRoutes {

    /** How long a client should wait before it sends an {@code in_progress} command again. */
    private static final String RETRY_AFTER_SECONDS = "1";

    private final SagaCommandUseCase participant;

    public ParticipantRoutes(SagaCommandUseCase participant) {
        this.participant = Objects.requireNonNull(participant, "participant");
    }

    public void register(RoutesConfig routes) {
        routes.post(RoutePolicy.SAGA_COMMANDS, this::command);
    }

    private void command(Context ctx) {
        ParticipantCommand command = ParticipantCommand.parse(body(ctx));
        ParticipantReply reply = participant.handle(command).reply();
        if (reply.outcome() == Outcome.IN_PROGRESS) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        ctx.status(reply.outcome() == Outcome.IN_PROGRESS ? 202 : 200).contentType("application/json")
                .result(reply.toJson());
    }

    /** The body, refused past the largest command without reading more of it. */
    private static String body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(ParticipantCommand.MAX_TEXT_LENGTH * 4 + 1);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (bytes.length > ParticipantCommand.MAX_TEXT_LENGTH * 4 || text.length() > ParticipantCommand.MAX_TEXT_LENGTH) {
                throw IngestException.invalid("invalid_saga_command", "a saga command is at most "
                        + ParticipantCommand.MAX_TEXT_LENGTH + " characters");
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saga command", e);
        }
    }
}
