package io.artstore.ingester.server.testing;

import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * tus-java-client, the second independent client: uploads a file and resumes it after every broken connection, as
 * its documentation shows (one {@link TusClient} with a URL store; {@code resumeOrCreateUpload} on each attempt).
 */
public final class TusJava {

    /** What an upload took: its URL, the attempts it needed, its size and its duration. */
    public record Outcome(URL uploadUrl, int attempts, long bytes, double seconds) {}

    private final TusClient client = new TusClient();
    private final TusURLMemoryStore store = new TusURLMemoryStore();

    public TusJava(URI endpoint) {
        client.setUploadCreationURL(url(endpoint));
        client.enableResuming(store);
    }

    public TusClient client() {
        return client;
    }

    public TusURLMemoryStore store() {
        return store;
    }

    /** A fresh upload of the file (a new stream each time, so a resumption may start before the last one's end). */
    public static TusUpload upload(Path file, Map<String, String> metadata) {
        try {
            TusUpload upload = new TusUpload(file.toFile());
            upload.setMetadata(metadata);
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Uploads the whole file in PATCH requests of {@code requestPayload} bytes, retrying (after a short pause) each
     * broken connection or 5xx/423 answer from where the server's offset says, up to {@code maxAttempts}.
     */
    public Outcome uploadResuming(Path file, Map<String, String> metadata, int requestPayload, int maxAttempts)
            throws ProtocolException {
        long started = System.nanoTime();
        URL uploadUrl = null;
        for (int attempt = 1; ; attempt++) {
            TusUpload upload = upload(file, metadata);
            try {
                TusUploader uploader = client.resumeOrCreateUpload(upload);
                uploadUrl = uploader.getUploadURL();
                uploader.setChunkSize(256 * 1024);
                uploader.setRequestPayloadSize(requestPayload);
                while (uploader.uploadChunk() > -1) {
                    // each call sends the next piece within the current PATCH
                }
                uploader.finish();
                return new Outcome(uploadUrl, attempt, upload.getSize(), (System.nanoTime() - started) / 1e9);
            } catch (ProtocolException e) {
                if (!e.shouldRetry() && !locked(e) || attempt >= maxAttempts) {
                    throw e;
                }
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new UncheckedIOException("gave up after " + attempt + " attempts", e);
                }
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    private static boolean locked(ProtocolException e) {
        try {
            return e.getCausingConnection() != null && e.getCausingConnection().getResponseCode() == 423;
        } catch (IOException broken) {
            return true;
        }
    }

    public static URL url(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
