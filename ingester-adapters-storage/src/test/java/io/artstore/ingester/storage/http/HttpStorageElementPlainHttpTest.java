package io.artstore.ingester.storage.http;

/** The contract over plain HTTP/1.1. */
class HttpStorageElementPlainHttpTest extends HttpStorageElementContractCase {

    @Override
    boolean tls() {
        return false;
    }
}
