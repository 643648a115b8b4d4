package io.artstore.ingester.storage.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.storage.fs.DurableFiles;
import io.artstore.ingester.storage.local.AttributesJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * File events appended to a local file, one JSON object per line ({@code type}, {@code file_id},
 * {@code storage_element_id}, {@code mode}, {@code size}, {@code checksum}, {@code at}, and {@code vector_clock} once stamped). Each event is on
 * disk before {@link #publish} returns. Events from concurrent callers are written one at a time.
 *
 * <p>It remembers which (file, type) pairs the file holds, read once at open, to answer {@link #published};
 * that costs memory in proportion to the events written, which an embedded deployment can afford.
 */
public final class JsonLinesEventPublisher implements EventPublisher, AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Set<String> publishedKeys;

    private JsonLinesEventPublisher(Path file, FileChannel channel, Set<String> publishedKeys) {
        this.file = file;
        this.channel = channel;
        this.publishedKeys = publishedKeys;
    }

    /**
     * Opens the file for appending, creating it and its folder if needed.
     *
     * @throws UncheckedIOException when the file cannot be opened
     */
    public static JsonLinesEventPublisher open(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        try {
            DurableFiles.createFolders(absolute.getParent());
            Set<String> keys = readKeys(absolute);
            FileChannel channel = FileChannel.open(absolute,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            DurableFiles.forceFolder(absolute.getParent());
            return new JsonLinesEventPublisher(absolute, channel, keys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the events file " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(FileEvent event) {
        ByteBuffer line = ByteBuffer.wrap(toLine(event));
        synchronized (this) {
            try {
                while (line.hasRemaining()) {
                    channel.write(line);
                }
                channel.force(false);
                publishedKeys.add(key(event.fileId().toString(), event.type().wireName()));
            } catch (IOException e) {
                throw new IngestException(Kind.INTERNAL, "event_write_failed", "the " + event.type().wireName()
                        + " event of file " + event.fileId() + " cannot be written to " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized boolean published(FileId fileId, FileEvent.Type type) {
        return publishedKeys.contains(key(fileId.toString(), type.wireName()));
    }

    private static String key(String fileId, String type) {
        return type + ' ' + fileId;
    }

    /** A torn last line (the process died while writing it) was never published: it is skipped. */
    private static Set<String> readKeys(Path file) throws IOException {
        Set<String> keys = new HashSet<>();
        if (!Files.exists(file)) {
            return keys;
        }
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                try {
                    JsonNode node = MAPPER.readTree(line);
                    if (node != null && node.hasNonNull("type") && node.hasNonNull("file_id")) {
                        keys.add(key(node.get("file_id").asText(), node.get("type").asText()));
                    }
                } catch (JsonProcessingException torn) {
                    // Not a whole event.
                }
            }
        }
        return keys;
    }

    private static byte[] toLine(FileEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", event.type().wireName());
        node.put("file_id", event.fileId().toString());
        node.put("storage_element_id", event.elementId().value());
        node.put("mode", event.mode().wireName());
        node.put("size", event.size());
        node.put("checksum", event.checksum().hex());
        node.put("at", AttributesJson.timestamp(event.at()));
        if (event.clock().size() > 0) {
            node.put("vector_clock", event.clock().toText());
        }
        try {
            byte[] json = MAPPER.writeValueAsBytes(node);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event as JSON", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the events file " + file, e);
        }
    }
}
