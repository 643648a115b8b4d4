package io.artstore.ingester.server.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.Signing;
import io.artstore.ingester.core.port.out.VerificationResult;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;

/**
 * Signs through ArtStore's external signing service: the content's SHA-256 is computed here while it
 * streams, and only the digest travels. The service answers with a detached CMS signature, which is checked
 * against that digest before it is accepted. The contract is in {@code docs/signing.md}.
 */
public final class HttpSigner implements Signer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_EXCERPT = 200;

    private final HttpSignerSettings settings;
    private final HttpClient client;
    private final Clock clock;

    public HttpSigner(HttpSignerSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** @param clock the signing time when the service's signature names none */
    public HttpSigner(HttpSignerSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        // HTTP/1.1: one small request per file gains nothing from HTTP/2, and some servers mishandle h2c upgrades.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public SignatureAlgorithm algorithm() {
        return settings.algorithm();
    }

    @Override
    public Signing begin() {
        return new RemoteSigning(Optional.empty());
    }

    @Override
    public Signing begin(FileId fileId) {
        return new RemoteSigning(Optional.of(fileId));
    }

    private DetachedSignature sign(byte[] digest, Optional<FileId> fileId) {
        HttpResponse<String> response = send(requestBody(digest, fileId));
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new IngestException(Kind.INTERNAL, "signing_service_refused", "the signing service at "
                    + settings.url() + " refused the token (HTTP " + status + "); check the configured signing token");
        }
        if (status == 429 || status >= 500) {
            throw new IngestException(Kind.UNAVAILABLE, "signing_service_unavailable", "the signing service at "
                    + settings.url() + " cannot sign now (HTTP " + status + "): " + excerpt(response.body()));
        }
        if (status != 200) {
            throw new IngestException(Kind.INTERNAL, "signing_service_rejected", "the signing service at "
                    + settings.url() + " rejected the request (HTTP " + status + "): " + excerpt(response.body()));
        }
        return accept(response.body(), digest);
    }

    private String requestBody(byte[] digest, Optional<FileId> fileId) {
        ObjectNode body = JSON.createObjectNode()
                .put("digest_algorithm", "SHA-256")
                .put("digest", HexFormat.of().formatHex(digest));
        fileId.ifPresent(id -> body.put("file_id", id.toString()));
        return body.toString();
    }

    private HttpResponse<String> send(String body) {
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + settings.bearerToken())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new IngestException(Kind.UNAVAILABLE, "signing_service_unavailable", "the signing service at "
                    + settings.url() + " did not answer within " + settings.requestTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IngestException(Kind.UNAVAILABLE, "signing_service_unavailable", "cannot reach the signing service at "
                    + settings.url() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException(Kind.UNAVAILABLE, "signing_service_unavailable",
                    "interrupted while waiting for the signing service at " + settings.url(), e);
        }
    }

    /** Takes the service's answer only when it is a signature of this digest by the certificate it names. */
    private DetachedSignature accept(String body, byte[] digest) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw badResponse("its answer is not JSON: " + excerpt(body));
        }
        String algorithmName = text(answer, "algorithm");
        String fingerprint = text(answer, "certificate_fingerprint").toLowerCase(Locale.ROOT);
        byte[] der;
        try {
            der = Base64.getDecoder().decode(text(answer, "signature"));
        } catch (IllegalArgumentException e) {
            throw badResponse("'signature' is not base64: " + e.getMessage());
        }
        SignatureAlgorithm algorithm;
        try {
            algorithm = SignatureAlgorithm.parse(algorithmName);
        } catch (IllegalArgumentException e) {
            throw badResponse(e.getMessage());
        }
        if (algorithm != settings.algorithm()) {
            throw badResponse("it signed with " + algorithm.wireName() + ", but " + settings.algorithm().wireName()
                    + " is configured");
        }
        CMSSignedData signedData = signedData(der, digest);
        VerificationResult result;
        try {
            result = SignerChecks.check(signedData.getSignerInfos(), signedData.getCertificates());
        } catch (CMSException | RuntimeException e) {
            throw badResponse("its signature is malformed: " + e.getMessage());
        }
        if (!result.valid()) {
            throw badResponse("its signature does not hold for the content's digest: " + result.reason().orElseThrow());
        }
        if (result.algorithm().orElseThrow() != algorithm) {
            throw badResponse("its certificate's key is " + result.algorithm().orElseThrow().wireName()
                    + ", not " + algorithm.wireName());
        }
        if (!result.validFor(fingerprint)) {
            throw badResponse("its certificate_fingerprint " + fingerprint + " is not the fingerprint "
                    + result.certificateFingerprint().orElseThrow() + " of the certificate in the signature");
        }
        try {
            // Stored as DER whatever the service sent; the signed attributes are DER inside either way.
            return new DetachedSignature(signedData.getEncoded(ASN1Encoding.DER), algorithm, fingerprint,
                    signingTime(signedData).orElseGet(clock::instant));
        } catch (IOException e) {
            throw badResponse("its signature cannot be encoded as DER: " + e.getMessage());
        }
    }

    /** The service's SignedData, with our digest standing in for the content it never saw. */
    private CMSSignedData signedData(byte[] der, byte[] digest) {
        CMSSignedData signedData;
        try {
            signedData = new CMSSignedData(Map.of(NISTObjectIdentifiers.id_sha256, digest), der);
        } catch (CMSException | RuntimeException e) {
            throw badResponse("its signature is not a CMS SignedData: " + e.getMessage());
        }
        if (!signedData.isDetachedSignature()) {
            throw badResponse("its signature carries the content instead of being detached");
        }
        return signedData;
    }

    private static Optional<Instant> signingTime(CMSSignedData signedData) {
        SignerInformation signer = signedData.getSignerInfos().getSigners().iterator().next();
        AttributeTable attributes = signer.getSignedAttributes();
        Attribute signingTime = attributes.get(CMSAttributes.signingTime);
        return Optional.ofNullable(signingTime)
                .map(attribute -> Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant());
    }

    private String text(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw badResponse("its answer has no '" + field + "'");
        }
        return value.asText();
    }

    private IngestException badResponse(String why) {
        return new IngestException(Kind.INTERNAL, "signing_service_bad_response",
                "the signing service at " + settings.url() + " answered wrongly: " + why);
    }

    private static String excerpt(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= ERROR_EXCERPT ? flat : flat.substring(0, ERROR_EXCERPT) + "…";
    }

    private final class RemoteSigning implements Signing {
        private final Optional<FileId> fileId;
        private final MessageDigest digest;
        private boolean signed;

        RemoteSigning(Optional<FileId> fileId) {
            this.fileId = fileId;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        @Override
        public void update(byte[] b, int off, int len) {
            if (signed) {
                throw new IllegalStateException("the content was signed already; start a new signing");
            }
            digest.update(b, off, len);
        }

        @Override
        public DetachedSignature sign() {
            if (signed) {
                throw new IllegalStateException("the content was signed already; start a new signing");
            }
            signed = true;
            return HttpSigner.this.sign(digest.digest(), fileId);
        }
    }
}
