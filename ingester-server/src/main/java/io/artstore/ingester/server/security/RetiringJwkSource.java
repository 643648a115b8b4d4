package io.artstore.ingester.server.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin module's JWKS keys with a rotation grace period: a key (by {@code kid}) that the fetched key set no
 * longer publishes stays valid for {@code grace} after the first fetch that missed it, then is refused; published
 * again, it is live again. Fetches happen only inside {@link #get}, and every call compares the set it now holds
 * with the keys seen before, so the grace period starts at the fetch that dropped the key, not at its next use.
 * Keys without a {@code kid} cannot be told apart across fetches and get no grace period.
 */
final class RetiringJwkSource implements JWKSource<SecurityContext> {

    private static final Logger LOG = LoggerFactory.getLogger(RetiringJwkSource.class);
    private static final JWKSelector EVERY_RSA_KEY = new JWKSelector(new JWKMatcher.Builder().keyType(KeyType.RSA).build());

    private final JWKSource<SecurityContext> source;
    private final Duration grace;
    private final Clock clock;
    /** Every kid seen published, with when the fetched set stopped publishing it (null while it is published). */
    private final Map<String, Seen> seen = new HashMap<>();

    private record Seen(JWK key, Instant missingSince) {}

    RetiringJwkSource(JWKSource<SecurityContext> source, Duration grace, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        List<JWK> selected;
        KeySourceException failure = null;
        try {
            // An unknown kid makes the delegate refetch, within its rate limit.
            selected = new ArrayList<>(source.get(selector, context));
        } catch (KeySourceException e) {
            failure = e;
            selected = new ArrayList<>();
        }
        Instant now = clock.instant();
        compareWithPublished(context, now);
        for (Seen entry : seen.values()) {
            // Checked here too: when the key set cannot be read, nothing above forgets an expired key.
            if (entry.missingSince() != null && now.isBefore(entry.missingSince().plus(grace))
                    && selector.getMatcher().matches(entry.key()) && !selected.contains(entry.key())) {
                selected.add(entry.key());
            }
        }
        if (selected.isEmpty() && failure != null) {
            throw failure;
        }
        return selected;
    }

    private void compareWithPublished(SecurityContext context, Instant now) {
        List<JWK> published;
        try {
            // Served from the delegate's cache: it refetches only when the set holds no RSA key at all.
            published = source.get(EVERY_RSA_KEY, context);
        } catch (KeySourceException e) {
            return; // nothing new was fetched: what is known stays as it is
        }
        Set<String> ids = new HashSet<>();
        for (JWK key : published) {
            if (key.getKeyID() != null) {
                ids.add(key.getKeyID());
                seen.put(key.getKeyID(), new Seen(key, null));
            }
        }
        for (Map.Entry<String, Seen> entry : seen.entrySet()) {
            if (!ids.contains(entry.getKey()) && entry.getValue().missingSince() == null) {
                entry.setValue(new Seen(entry.getValue().key(), now));
                LOG.info("the JWKS no longer publishes the key {}; it stays valid until {}", entry.getKey(), now.plus(grace));
            }
        }
        // Past its grace period a retired key is forgotten: only a new fetch that publishes it again brings it back.
        seen.values().removeIf(entry -> entry.missingSince() != null && !now.isBefore(entry.missingSince().plus(grace)));
    }
}
