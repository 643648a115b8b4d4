package io.artstore.ingester.server.security;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.TokenUses;
import io.artstore.ingester.server.config.AuthSettings;
import io.artstore.ingester.storage.embedded.FileTokenUses;
import io.artstore.ingester.storage.embedded.InMemoryBlockStore;
import java.net.MalformedURLException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds authentication, authorization and the abuse limits from the configuration. With authentication off only
 * the address limits and the admin API's gate remain, and no key is created.
 *
 * @param signingKey the ingester's own key for temporary tokens; present with authentication on
 */
public record Security(AccessControl access, Blocklist blocks, Optional<SigningKey> signingKey) {

    /** How often the PEM file is looked at for a new key. */
    static final Duration KEY_FILE_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** With blocks in memory and use counts on disk: one instance's state. */
    public static Security build(AuthSettings auth, boolean adminWithoutAuth, Path securityFolder,
            Function<FileId, Optional<CatalogEntry>> files, SecurityEvents events, Clock clock) {
        return build(auth, adminWithoutAuth, securityFolder, files, events, clock, new InMemoryBlockStore(clock), Optional.empty());
    }

    /**
     * @param securityFolder where the ingester's own key is kept, and the temporary tokens' use counts unless shared
     * @param blockStore where blocks live: in memory, or shared by the instances of a cluster
     * @param sharedUses the temporary tokens' use counts shared by the instances of a cluster; empty keeps them in
     *     {@code securityFolder}
     */
    public static Security build(AuthSettings auth, boolean adminWithoutAuth, Path securityFolder,
            Function<FileId, Optional<CatalogEntry>> files, SecurityEvents events, Clock clock, BlockStore blockStore,
            Optional<TokenUses> sharedUses) {
        Blocklist blocks = new Blocklist(blockStore, clock, auth.abuse().window(), auth.abuse().blockDuration());
        TokenBuckets buckets = new TokenBuckets(clock);
        if (!auth.enabled()) {
            TokenUses none = (tokenId, maxUses, expiresAt) -> true;
            return new Security(new AccessControl(Optional.empty(), adminWithoutAuth, none, auth.abuse(), blocks, buckets, files,
                    events), blocks, Optional.empty());
        }
        SigningKey key = SigningKey.openOrCreate(securityFolder);
        Optional<PemPublicKey> pem = auth.publicKeyPath()
                .map(path -> new PemPublicKey(path, auth.rotationGrace(), KEY_FILE_CHECK_INTERVAL, clock));
        Optional<JWKSource<SecurityContext>> jwks = jwks(auth, clock);
        Map<String, Set<Permission>> overrides = new LinkedHashMap<>();
        auth.roles().forEach((role, names) -> {
            Set<Permission> permissions = EnumSet.noneOf(Permission.class);
            names.forEach(name -> Permission.find(name).ifPresent(permissions::add));
            overrides.put(role, permissions);
        });
        TokenVerifier verifier = new TokenVerifier(pem, jwks, key, RoleTable.of(overrides), auth.leeway(), clock);
        TokenUses uses = sharedUses.orElseGet(() -> FileTokenUses.open(securityFolder.resolve("token-uses"), clock));
        return new Security(new AccessControl(Optional.of(verifier), adminWithoutAuth, uses, auth.abuse(), blocks, buckets, files,
                events), blocks, Optional.of(key));
    }

    /**
     * The admin module's key set from {@code auth.jwks_url}: cached, refetched on an unknown {@code kid} at most as
     * often as the refresh interval allows, and a key the set drops stays valid for {@code auth.rotation_grace}.
     */
    static Optional<JWKSource<SecurityContext>> jwks(AuthSettings auth, Clock clock) {
        return auth.jwksUrl().map(url -> {
            try {
                return new RetiringJwkSource(JWKSourceBuilder.<SecurityContext>create(url.toURL())
                        .cache(JWKSourceBuilder.DEFAULT_CACHE_TIME_TO_LIVE, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                        .rateLimited(auth.jwksRefreshInterval().toMillis())
                        .retrying(false)
                        .refreshAheadCache(false)
                        .build(), auth.rotationGrace(), clock);
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("the JWKS URL " + url + " is not a URL: " + e.getMessage(), e);
            }
        });
    }
}
