package io.artstore.ingester.storage.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.CertificatePinner;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.TlsVersion;

/**
 * Derives each element's client from the one shared client, so that all elements share one connection pool
 * and dispatcher while each has its own TLS rules, pins and timeouts.
 */
final class ElementClients {

    private ElementClients() {}

    static OkHttpClient shared() {
        return new OkHttpClient.Builder().connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
                .socketFactory(new NoDelaySockets(SocketFactory.getDefault())).build();
    }

    static OkHttpClient derive(OkHttpClient shared, HttpStorageSettings settings) {
        HttpStorageSettings.Timeouts timeouts = settings.timeouts();
        OkHttpClient.Builder builder = shared.newBuilder()
                .connectTimeout(timeouts.connect())
                .readTimeout(timeouts.read())
                .writeTimeout(timeouts.write())
                .callTimeout(timeouts.call())
                .followRedirects(false)
                .socketFactory(NoDelaySockets.over(shared.socketFactory()))
                .connectionSpecs(List.of(tlsSpec(settings.tls()), ConnectionSpec.CLEARTEXT));
        if (settings.tls().trustStore().isPresent()) {
            X509TrustManager trust = trustManager(settings);
            builder.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
        }
        if (!settings.pins().isEmpty()) {
            builder.certificatePinner(new CertificatePinner.Builder()
                    .add(settings.url().getHost(), settings.pins().toArray(String[]::new))
                    .build());
        }
        return builder.build();
    }

    /** HTTP/2 is negotiated by ALPN on these connections; plain-text ones speak HTTP/1.1. */
    private static ConnectionSpec tlsSpec(HttpStorageSettings.Tls tls) {
        TlsVersion[] versions = tls.minVersion().equals("TLSv1.2")
                ? new TlsVersion[] {TlsVersion.TLS_1_3, TlsVersion.TLS_1_2}
                : new TlsVersion[] {TlsVersion.TLS_1_3};
        return new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS).tlsVersions(versions).build();
    }

    private static X509TrustManager trustManager(HttpStorageSettings settings) {
        HttpStorageSettings.Tls tls = settings.tls();
        java.nio.file.Path path = tls.trustStore().orElseThrow();
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(tls.trustStoreType());
            store.load(in, tls.trustStorePassword().map(String::toCharArray).orElse(null));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (IOException e) {
            throw new UncheckedIOException("storage element " + settings.id() + ": cannot read the trust store "
                    + path + " (" + tls.trustStoreType() + "): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("storage element " + settings.id() + ": the trust store " + path
                    + " is not a usable " + tls.trustStoreType() + " key store: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }
}
