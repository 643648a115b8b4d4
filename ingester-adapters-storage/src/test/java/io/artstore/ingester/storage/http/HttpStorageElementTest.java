package io.artstore.ingester.storage.http;

/** The contract over TLS 1.3, HTTP/1.1, with the server's public key pinned. */
class HttpStorageElementTest extends HttpStorageElementContractCase {

    @Override
    boolean tls() {
        return true;
    }
}
