package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.server.security.Blocklist;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Objects;

/** {@code /api/v1/admin/blocks}: the addresses and subjects blocked for a cool-down, listed and lifted by operators. */
public final class BlockRoutes {

    private final Blocklist blocks;

    public BlockRoutes(Blocklist blocks) {
        this.blocks = Objects.requireNonNull(blocks, "blocks");
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/admin/blocks", this::list);
        routes.delete("/api/v1/admin/blocks/{kind}/{value}", this::lift);
    }

    private void list(Context ctx) {
        ObjectNode json = Json.object();
        ArrayNode items = json.putArray("blocks");
        for (Blocklist.Block block : blocks.list()) {
            items.addObject().put("kind", block.kind().wireName()).put("value", block.value()).put("reason", block.reason())
                    .put("since", block.since().toString()).put("until", block.until().toString());
        }
        Json.send(ctx, 200, json);
    }

    private void lift(Context ctx) {
        Blocklist.Kind kind;
        try {
            kind = Blocklist.Kind.valueOf(ctx.pathParam("kind").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_block_kind", "the kind must be ip or subject, got '" + ctx.pathParam("kind") + "'");
        }
        String value = ctx.pathParam("value");
        if (!blocks.lift(kind, value)) {
            throw IngestException.notFound("no_block", "no block is in force on " + kind.wireName() + " " + value);
        }
        ctx.status(204);
    }
}
