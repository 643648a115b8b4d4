package io.artstore.ingester.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.core.port.in.DeferredWork;
import io.artstore.ingester.server.config.CompressionSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/** The control fields of one upload, from the query string and the multipart form, checked and turned into a command. */
final class UploadForm {

    static final Set<String> FIELDS = Set.of("target_mode", "retention_policy", "storage_element_id", "description",
            "version", "metadata", "ttl_days", "compress", "compression_algorithm", "sign", "file_size", "checksum");

    private static final TypeReference<LinkedHashMap<String, Object>> JSON_OBJECT = new TypeReference<>() {};
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The admin module's file registry keeps at most this many characters of a description. */
    static final int MAX_DESCRIPTION_CHARS = 1000;

    private final CompressionSettings compression;
    private final boolean signByDefault;
    private final Map<String, String> values = new LinkedHashMap<>();

    UploadForm(CompressionSettings compression, boolean signByDefault) {
        this.compression = compression;
        this.signByDefault = signByDefault;
    }

    static boolean isField(String name) {
        return FIELDS.contains(name);
    }

    /** The value of {@code compress} and {@code sign} that leaves the work to a background task. */
    static final String ASYNC = "async";

    /** Blank values count as absent, as browsers send every input of a form. */
    void put(String name, String value) {
        if (!isField(name) || value.isBlank()) {
            return;
        }
        String earlier = values.putIfAbsent(name, value.trim());
        if (earlier != null && !earlier.equals(value.trim())) {
            throw IngestException.invalid("duplicate_field",
                    "field '" + name + "' was given twice with different values ('" + earlier + "' and '" + value.trim() + "'); send it once");
        }
    }

    /** What can be refused before any byte of the body is read. */
    void checkBeforeBody(long maxFileBytes) {
        if (!signLater()) {
            bool("sign");
        }
        OptionalLong declared = declaredSize();
        if (declared.isPresent() && declared.getAsLong() > maxFileBytes) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large", "file_size " + declared.getAsLong()
                    + " is larger than the maximum of " + maxFileBytes + " bytes");
        }
    }

    /** The mode the file goes to, once the fields that say it have been read. */
    Optional<Mode> targetMode() {
        Optional<Mode> mode = value("target_mode").map(text -> {
            try {
                return Mode.parse(text);
            } catch (IllegalArgumentException e) {
                throw IngestException.invalid("invalid_target_mode", "target_mode must be 'edit' or 'rw', got '" + text + "'");
            }
        });
        Optional<Mode> byPolicy = value("retention_policy")
                .map(text -> parse("retention_policy", text, RetentionPolicy::parse).mode());
        if (mode.isPresent() && byPolicy.isPresent() && mode.get() != byPolicy.get()) {
            throw IngestException.invalid("conflicting_target_mode", "target_mode '" + mode.get().wireName()
                    + "' contradicts retention_policy '" + value("retention_policy").orElseThrow()
                    + "'; send one of them, or values that agree (temporary = edit, permanent = rw)");
        }
        return mode.or(() -> byPolicy);
    }

    OptionalLong declaredSize() {
        return value("file_size").map(text -> {
            try {
                long size = Long.parseLong(text);
                if (size > 0) {
                    return OptionalLong.of(size);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw IngestException.invalid("invalid_file_size", "file_size must be a positive number of bytes, got '" + text + "'");
        }).orElse(OptionalLong.empty());
    }

    /**
     * @param sizeHint an upper bound of the file's size, e.g. the request's length
     * @param measuredSize the file's exact size when the server has it already (a spooled part), else empty
     */
    AddFileCommand command(String filename, String contentType, OptionalLong sizeHint, OptionalLong measuredSize) {
        Mode mode = targetMode().orElseThrow(() -> IngestException.invalid("missing_target_mode",
                "say where the file goes: target_mode 'edit' or 'rw' (or retention_policy 'temporary' or 'permanent')"));
        return new AddFileCommand(
                mode,
                value("storage_element_id").map(text -> parse("storage_element_id", text, StorageElementId::of)),
                filename,
                contentType,
                Uploader.anonymous(),
                description(),
                value("version"),
                metadata(),
                ttlDays(),
                compression(),
                declaredSize().isPresent() ? declaredSize() : measuredSize,
                value("checksum").map(text -> parse("checksum", text, Sha256::parse)),
                sizeHint,
                !signLater() && bool("sign").orElse(signByDefault))
                .withDeferred(new DeferredWork(compressLater() ? compressionAlgorithm().or(() ->
                        Optional.of(compression.defaultAlgorithm())) : Optional.empty(), signLater()));
    }

    /** {@code sign=async}: signed by a background task once stored. */
    private boolean signLater() {
        return value("sign").filter(text -> text.trim().equalsIgnoreCase(ASYNC)).isPresent();
    }

    /** {@code compress=async}: compressed by a background task once stored, with {@code compression_algorithm} if sent. */
    private boolean compressLater() {
        return value("compress").filter(text -> text.trim().equalsIgnoreCase(ASYNC)).isPresent();
    }

    private Optional<String> description() {
        Optional<String> description = value("description");
        description.ifPresent(text -> {
            if (text.codePointCount(0, text.length()) > MAX_DESCRIPTION_CHARS) {
                throw IngestException.invalid("invalid_description", "description has "
                        + text.codePointCount(0, text.length()) + " characters; ArtStore keeps at most " + MAX_DESCRIPTION_CHARS);
            }
        });
        return description;
    }

    private Optional<CompressionAlgorithm> compression() {
        if (compressLater()) {
            if (value("compression_algorithm").filter(text -> text.equalsIgnoreCase("none")).isPresent()) {
                throw IngestException.invalid("conflicting_compression",
                        "compress is async but compression_algorithm is 'none'; send one of them");
            }
            compressionAlgorithm();
            return Optional.empty();
        }
        Optional<Boolean> compress = bool("compress");
        // ArtStore's ingester also knows the word "none": no compression, as when the field is absent.
        if (value("compression_algorithm").filter(text -> text.equalsIgnoreCase("none")).isPresent()) {
            if (compress.orElse(false)) {
                throw IngestException.invalid("conflicting_compression",
                        "compress is on but compression_algorithm is 'none'; send one of them");
            }
            return Optional.empty();
        }
        Optional<CompressionAlgorithm> algorithm = compressionAlgorithm();
        if (algorithm.isPresent()) {
            if (compress.isPresent() && !compress.get()) {
                throw IngestException.invalid("conflicting_compression",
                        "compress is off but compression_algorithm is '" + algorithm.get().wireName() + "'; send one of them");
            }
            return algorithm;
        }
        return compress.orElse(compression.enabledByDefault()) ? Optional.of(compression.defaultAlgorithm()) : Optional.empty();
    }

    /** {@code compression_algorithm}, unless absent or {@code none}. */
    private Optional<CompressionAlgorithm> compressionAlgorithm() {
        return value("compression_algorithm").filter(text -> !text.equalsIgnoreCase("none")).map(text -> {
            try {
                return CompressionAlgorithm.parse(text);
            } catch (IllegalArgumentException e) {
                throw IngestException.invalid("unsupported_compression", e.getMessage());
            }
        });
    }

    private OptionalInt ttlDays() {
        return value("ttl_days").map(text -> {
            try {
                return OptionalInt.of(Integer.parseInt(text));
            } catch (NumberFormatException e) {
                throw IngestException.invalid("invalid_ttl_days",
                        "ttl_days must be a whole number of days between 1 and " + AddFileCommand.MAX_TTL_DAYS + ", got '" + text + "'");
            }
        }).orElse(OptionalInt.empty());
    }

    private Map<String, Object> metadata() {
        return value("metadata").map(UploadForm::parseMetadata).orElse(Map.of());
    }

    /**
     * The {@code metadata} field: one JSON object and nothing after it, with no key twice at any depth (which
     * of two values would win is the parser's choice, so neither is taken).
     */
    static Map<String, Object> parseMetadata(String text) {
        try {
            JsonNode node = STRICT.readTree(text);
            if (node == null || !node.isObject()) {
                throw IngestException.invalid("invalid_metadata", "metadata must be a JSON object such as {\"project\":\"x\"}, got '"
                        + abbreviate(text) + "'");
            }
            return STRICT.convertValue(node, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw IngestException.invalid("invalid_metadata", "metadata is not one valid JSON object (" + e.getOriginalMessage()
                    + "); send a single JSON object, each key once, such as {\"project\":\"x\"}");
        }
    }

    private Optional<Boolean> bool(String name) {
        return value(name).map(text -> parseBoolean(name, text));
    }

    /** The words docs/api.md lists for boolean fields, in any case: {@code true}/{@code false}, {@code on}/{@code off}. */
    static boolean parseBoolean(String name, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw IngestException.invalid("invalid_" + name, name + " must be true or false (or on/off), got '" + text + "'");
        };
    }

    private Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    private static <T> T parse(String name, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_" + name, e.getMessage());
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
